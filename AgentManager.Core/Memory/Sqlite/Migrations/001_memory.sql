-- Memory version 1: long-term memory records with their vectors, working memory and task history.
-- Times are stored as UTC ticks with the original offset in minutes; states use wire names.
-- The application id marks the file as an AgentManager memory database (ASCII "AMem").
PRAGMA application_id = 1095591277;

CREATE TABLE memories (
    id              TEXT    NOT NULL PRIMARY KEY,
    namespace       TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    tags            TEXT    NOT NULL,   -- JSON array, in the record's order
    metadata        TEXT    NOT NULL,   -- JSON object
    created_ticks   INTEGER NOT NULL,
    created_offset  INTEGER NOT NULL,
    dimensions      INTEGER NOT NULL,
    vector          BLOB    NOT NULL    -- the unit-length vector, float32 little-endian
);
CREATE INDEX ix_memories_namespace ON memories (namespace);

-- One row per tag of a record, for tag filters.
CREATE TABLE memory_tags (
    tag             TEXT    NOT NULL,
    memory_id       TEXT    NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, memory_id)
) WITHOUT ROWID;
CREATE INDEX ix_memory_tags_memory ON memory_tags (memory_id);

CREATE TABLE working_memory (
    workflow_id     TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    value           TEXT    NOT NULL,
    updated_ticks   INTEGER NOT NULL,
    updated_offset  INTEGER NOT NULL,
    expires_ticks   INTEGER,
    expires_offset  INTEGER,
    PRIMARY KEY (workflow_id, key)
);
CREATE INDEX ix_working_memory_expires ON working_memory (expires_ticks) WHERE expires_ticks IS NOT NULL;

CREATE TABLE task_history (
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    workflow_id     TEXT    NOT NULL,
    task_id         TEXT    NOT NULL,
    agent_id        TEXT    NOT NULL,
    title           TEXT,
    prompt          TEXT,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    repaired        INTEGER NOT NULL,
    output          TEXT,
    error           TEXT,
    started_ticks   INTEGER,
    started_offset  INTEGER,
    finished_ticks  INTEGER NOT NULL,
    finished_offset INTEGER NOT NULL,
    UNIQUE (workflow_id, task_id, attempts)
);
CREATE INDEX ix_task_history_finished ON task_history (finished_ticks, seq);
CREATE INDEX ix_task_history_agent ON task_history (agent_id, finished_ticks);
