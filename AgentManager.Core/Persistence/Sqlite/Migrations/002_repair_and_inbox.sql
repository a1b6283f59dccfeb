-- Version 2: the repair ladder (level, attempts on it, the agent that took over).
-- Tasks stored by version 1 are on L1, where every attempt they made was made.
ALTER TABLE tasks ADD COLUMN repair_level     TEXT    NOT NULL DEFAULT 'retry';
ALTER TABLE tasks ADD COLUMN level_attempts   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN current_agent_id TEXT;
UPDATE tasks SET level_attempts = attempt;
