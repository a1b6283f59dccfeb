-- Version 2: the repair ladder (level, attempts on it, the agent that took over), human deadlines, usage
-- against budgets (cost as invariant decimal text), and the human inbox.
-- Tasks stored by version 1 are on L1, where every attempt they made was made.
ALTER TABLE tasks ADD COLUMN repair_level     TEXT    NOT NULL DEFAULT 'retry';
ALTER TABLE tasks ADD COLUMN level_attempts   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN current_agent_id TEXT;
ALTER TABLE tasks ADD COLUMN deadline_ticks   INTEGER;
ALTER TABLE tasks ADD COLUMN deadline_offset  INTEGER;
ALTER TABLE tasks ADD COLUMN input_tokens     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN output_tokens    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN cost             TEXT    NOT NULL DEFAULT '0';
UPDATE tasks SET level_attempts = attempt;

ALTER TABLE workflows ADD COLUMN input_tokens  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN cost          TEXT    NOT NULL DEFAULT '0';

-- The human inbox: decisions queued by any process, resolved by the engine that runs the workflow in the
-- same transaction as the transitions they cause.
CREATE TABLE human_decisions (
    decision_id      TEXT    NOT NULL PRIMARY KEY,
    workflow_id      TEXT    NOT NULL REFERENCES workflows (workflow_id) ON DELETE CASCADE,
    task_id          TEXT    NOT NULL,
    action           TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    outcome          TEXT,
    requested_ticks  INTEGER NOT NULL,
    requested_offset INTEGER NOT NULL,
    resolved_ticks   INTEGER,
    resolved_offset  INTEGER
);
CREATE INDEX ix_human_decisions_status ON human_decisions (status, workflow_id);
