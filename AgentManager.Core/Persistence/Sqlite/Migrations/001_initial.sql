-- Version 1: workflows, tasks, their transition history and the event log.
-- Times are stored as UTC ticks with the original offset in minutes; states use wire names.
CREATE TABLE workflows (
    workflow_id     TEXT    NOT NULL PRIMARY KEY,
    name            TEXT,
    status          TEXT    NOT NULL,
    reason          TEXT,
    created_ticks   INTEGER NOT NULL,
    created_offset  INTEGER NOT NULL,
    started_ticks   INTEGER,
    started_offset  INTEGER,
    finished_ticks  INTEGER,
    finished_offset INTEGER,
    work_root       TEXT,
    metadata        TEXT    NOT NULL
);

CREATE TABLE tasks (
    workflow_id     TEXT    NOT NULL REFERENCES workflows (workflow_id) ON DELETE CASCADE,
    task_id         TEXT    NOT NULL,
    ordinal         INTEGER NOT NULL,
    title           TEXT,
    state           TEXT    NOT NULL,
    attempt         INTEGER NOT NULL,
    priority        INTEGER NOT NULL,
    agent_id        TEXT,
    dependencies    TEXT    NOT NULL,
    resources       TEXT    NOT NULL,
    workdir         TEXT,
    last_error      TEXT,
    last_output     TEXT,
    started_ticks   INTEGER,
    started_offset  INTEGER,
    finished_ticks  INTEGER,
    finished_offset INTEGER,
    PRIMARY KEY (workflow_id, task_id)
);

CREATE TABLE transitions (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    workflow_id     TEXT    NOT NULL REFERENCES workflows (workflow_id) ON DELETE CASCADE,
    task_id         TEXT    NOT NULL,
    from_state      TEXT    NOT NULL,
    to_state        TEXT    NOT NULL,
    trigger_name    TEXT    NOT NULL,
    reason          TEXT,
    actor           TEXT    NOT NULL,
    attempt         INTEGER NOT NULL,
    at_ticks        INTEGER NOT NULL,
    at_offset       INTEGER NOT NULL
);
CREATE INDEX ix_transitions_task ON transitions (workflow_id, task_id, id);

CREATE TABLE events (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    workflow_id     TEXT    NOT NULL REFERENCES workflows (workflow_id) ON DELETE CASCADE,
    type            TEXT    NOT NULL,
    task_id         TEXT,
    reason          TEXT,
    at_ticks        INTEGER NOT NULL,
    at_offset       INTEGER NOT NULL
);
CREATE INDEX ix_events_workflow ON events (workflow_id, id);
