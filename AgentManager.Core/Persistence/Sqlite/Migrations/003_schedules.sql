-- Version 3: schedules (definition fields, paused state, runs) and durable task plans with every version.
-- Times are stored as UTC ticks with the original offset in minutes, as in version 1.
CREATE TABLE schedules (
    schedule_id         TEXT    NOT NULL PRIMARY KEY,
    cron                TEXT,
    time_zone           TEXT,
    interval_ticks      INTEGER,
    plan_path           TEXT,
    missed_run_policy   TEXT    NOT NULL,
    allow_overlap       INTEGER NOT NULL,
    paused              INTEGER NOT NULL,
    next_ticks          INTEGER,
    next_offset         INTEGER,
    last_ticks          INTEGER,
    last_offset         INTEGER,
    last_workflow_id    TEXT,
    running_workflow_id TEXT,
    updated_ticks       INTEGER NOT NULL,
    updated_offset      INTEGER NOT NULL,
    revision            INTEGER NOT NULL
);
CREATE INDEX ix_schedules_running ON schedules (running_workflow_id) WHERE running_workflow_id IS NOT NULL;

CREATE TABLE task_plans (
    plan_id         TEXT    NOT NULL PRIMARY KEY,
    current_version INTEGER NOT NULL,
    created_ticks   INTEGER NOT NULL,
    created_offset  INTEGER NOT NULL
);

-- One row per stored version; body is the version as JSON (the task plan wire format).
CREATE TABLE task_plan_versions (
    plan_id           TEXT    NOT NULL REFERENCES task_plans (plan_id) ON DELETE CASCADE,
    version           INTEGER NOT NULL,
    status            TEXT    NOT NULL,
    confirmed_version INTEGER,
    updated_ticks     INTEGER NOT NULL,
    updated_offset    INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    PRIMARY KEY (plan_id, version)
);
