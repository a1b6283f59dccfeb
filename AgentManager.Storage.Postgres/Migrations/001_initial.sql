-- Version 1: the state store (workflows, tasks, transitions, the event log with its outbox cursor, human
-- decisions, schedules) and the task plan store. {schema} is the configured schema.
-- Times are UTC ticks (bigint) with the original offset in minutes, so that a DateTimeOffset comes back
-- exactly (timestamptz keeps microseconds and no offset). States and triggers use their wire names.
CREATE TABLE {schema}.workflows (
    workflow_id          text     NOT NULL PRIMARY KEY,
    seq                  bigint   GENERATED ALWAYS AS IDENTITY,
    name                 text,
    status               text     NOT NULL,
    reason               text,
    created_ticks        bigint   NOT NULL,
    created_offset       smallint NOT NULL,
    started_ticks        bigint,
    started_offset       smallint,
    finished_ticks       bigint,
    finished_offset      smallint,
    work_root            text,
    metadata             jsonb    NOT NULL,
    input_tokens         bigint   NOT NULL,
    output_tokens        bigint   NOT NULL,
    cost                 numeric  NOT NULL,
    -- The workflow lease: the engine that runs it, until when, and the fencing token every commit carries.
    lease_owner          text,
    lease_expires_ticks  bigint,
    lease_expires_offset smallint,
    fencing_token        bigint   NOT NULL DEFAULT 0,
    -- The outbox cursor: the last event of the workflow that was published.
    published_event_id   bigint   NOT NULL DEFAULT 0
);
CREATE INDEX ix_workflows_seq ON {schema}.workflows (seq);

CREATE TABLE {schema}.tasks (
    workflow_id          text     NOT NULL REFERENCES {schema}.workflows (workflow_id) ON DELETE CASCADE,
    task_id              text     NOT NULL,
    ordinal              integer  NOT NULL,
    title                text,
    state                text     NOT NULL,
    attempt              integer  NOT NULL,
    priority             integer  NOT NULL,
    agent_id             text,
    dependencies         jsonb    NOT NULL,
    resources            jsonb    NOT NULL,
    workdir              text,
    last_error           text,
    last_output          text,
    started_ticks        bigint,
    started_offset       smallint,
    finished_ticks       bigint,
    finished_offset      smallint,
    repair_level         text     NOT NULL,
    level_attempts       integer  NOT NULL,
    current_agent_id     text,
    deadline_ticks       bigint,
    deadline_offset      smallint,
    input_tokens         bigint   NOT NULL,
    output_tokens        bigint   NOT NULL,
    cost                 numeric  NOT NULL,
    lease_owner          text,
    lease_expires_ticks  bigint,
    lease_expires_offset smallint,
    fencing_token        bigint   NOT NULL,
    PRIMARY KEY (workflow_id, task_id)
);
CREATE INDEX ix_tasks_ordinal ON {schema}.tasks (workflow_id, ordinal);

-- Transitions and events have no foreign key: a key check per row cost more than the insert of the row did. A commit
-- checks their workflows once (check_workflows), and deleting a workflow deletes them.
CREATE TABLE {schema}.transitions (
    id             bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow_id    text     NOT NULL,
    task_id        text     NOT NULL,
    from_state     text     NOT NULL,
    to_state       text     NOT NULL,
    trigger_name   text     NOT NULL,
    reason         text,
    actor          text     NOT NULL,
    attempt        integer  NOT NULL,
    at_ticks       bigint   NOT NULL,
    at_offset      smallint NOT NULL,
    correlation_id text
);
CREATE INDEX ix_transitions_task ON {schema}.transitions (workflow_id, task_id, id);

-- The event log, and the outbox: the events of a workflow after its published_event_id are not yet published.
-- Ids are assigned under a transaction-level advisory lock held until commit, so they become visible in order.
CREATE TABLE {schema}.events (
    id             bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow_id    text     NOT NULL,
    type           text     NOT NULL,
    task_id        text,
    reason         text,
    at_ticks       bigint   NOT NULL,
    at_offset      smallint NOT NULL,
    correlation_id text,
    from_state     text,
    to_state       text,
    trigger_name   text,
    actor          text,
    attempt        integer,
    details        text
);
CREATE INDEX ix_events_workflow ON {schema}.events (workflow_id, id);

CREATE TABLE {schema}.human_decisions (
    decision_id      text     NOT NULL PRIMARY KEY,
    seq              bigint   GENERATED ALWAYS AS IDENTITY,
    workflow_id      text     NOT NULL REFERENCES {schema}.workflows (workflow_id) ON DELETE CASCADE,
    task_id          text     NOT NULL,
    action           text     NOT NULL,
    actor            text     NOT NULL,
    reason           text     NOT NULL,
    status           text     NOT NULL,
    outcome          text,
    requested_ticks  bigint   NOT NULL,
    requested_offset smallint NOT NULL,
    resolved_ticks   bigint,
    resolved_offset  smallint,
    correlation_id   text
);
CREATE INDEX ix_human_decisions_pending ON {schema}.human_decisions (workflow_id, seq) WHERE status = 'pending';

CREATE TABLE {schema}.schedules (
    schedule_id         text     NOT NULL PRIMARY KEY,
    cron                text,
    time_zone           text,
    interval_ticks      bigint,
    plan_path           text,
    missed_run_policy   text     NOT NULL,
    allow_overlap       boolean  NOT NULL,
    paused              boolean  NOT NULL,
    next_ticks          bigint,
    next_offset         smallint,
    last_ticks          bigint,
    last_offset         smallint,
    last_workflow_id    text,
    running_workflow_id text,
    updated_ticks       bigint   NOT NULL,
    updated_offset      smallint NOT NULL,
    revision            bigint   NOT NULL
);
CREATE INDEX ix_schedules_running ON {schema}.schedules (running_workflow_id) WHERE running_workflow_id IS NOT NULL;

-- Plans are listed by creation time (the plan's created_at), then id.
CREATE TABLE {schema}.task_plans (
    plan_id         text     NOT NULL PRIMARY KEY,
    current_version integer  NOT NULL,
    created_ticks   bigint   NOT NULL,
    created_offset  smallint NOT NULL
);

-- One row per stored version; body is the version in the task plan wire format (JSON).
CREATE TABLE {schema}.task_plan_versions (
    plan_id           text     NOT NULL REFERENCES {schema}.task_plans (plan_id) ON DELETE CASCADE,
    version           integer  NOT NULL,
    status            text     NOT NULL,
    confirmed_version integer,
    updated_ticks     bigint   NOT NULL,
    updated_offset    smallint NOT NULL,
    body              jsonb    NOT NULL,
    PRIMARY KEY (plan_id, version)
);

-- Commit guards. A commit sends its checks and its writes as one batch (one round trip, one implicit transaction);
-- these functions refuse it with an AgentManager SQLSTATE (AM0xx) and a JSON message that the store turns into the
-- typed exception. check_fencing locks the rows of the workflows the batch writes under a lease until the commit.
CREATE FUNCTION {schema}.check_fencing(created text[], fenced text[], tokens bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    taken text;
    r record;
    held bigint;
BEGIN
    SELECT c INTO taken FROM unnest(created) WITH ORDINALITY AS u(c, n)
    WHERE EXISTS (SELECT 1 FROM {schema}.workflows w WHERE w.workflow_id = u.c) ORDER BY n LIMIT 1;
    IF taken IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'AM001', MESSAGE = json_build_object('workflow', taken)::text;
    END IF;
    FOR r IN SELECT workflow_id, lease_owner, fencing_token FROM {schema}.workflows
             WHERE workflow_id = ANY(fenced) ORDER BY workflow_id FOR UPDATE LOOP
        held := tokens[array_position(fenced, r.workflow_id)];
        IF held <> r.fencing_token THEN
            RAISE EXCEPTION USING ERRCODE = 'AM002',
                MESSAGE = json_build_object('workflow', r.workflow_id, 'held', held, 'current', r.fencing_token, 'owner', r.lease_owner)::text;
        END IF;
    END LOOP;
END $$;

CREATE FUNCTION {schema}.check_changed(changed bigint, expected integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF changed <> expected THEN
        RAISE EXCEPTION USING ERRCODE = 'AM003', MESSAGE = json_build_object('changed', changed, 'expected', expected)::text;
    END IF;
END $$;

-- The foreign key check of a batch's transitions and events, once per workflow: locks the workflows' rows against a
-- concurrent delete (as a key check would) and refuses the batch (AM004) when one was never committed.
CREATE FUNCTION {schema}.check_workflows(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    PERFORM 1 FROM {schema}.workflows WHERE workflow_id = ANY(ids) FOR KEY SHARE;
    SELECT i INTO missing FROM unnest(ids) AS u(i)
    WHERE NOT EXISTS (SELECT 1 FROM {schema}.workflows w WHERE w.workflow_id = u.i) LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'AM004', MESSAGE = json_build_object('workflow', missing)::text;
    END IF;
END $$;

-- The ids of recent commits. A commit whose outcome its client could not learn (the connection broke) is sent again
-- with the same id: if the first one was stored, this insert fails and nothing is stored twice. Rows older than a
-- day are deleted now and then.
CREATE TABLE {schema}.commits (
    id       uuid   NOT NULL PRIMARY KEY,
    at_ticks bigint NOT NULL
);
