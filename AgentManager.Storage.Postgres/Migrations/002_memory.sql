-- Version 2: agent memory (UsePostgresMemory): long-term memory records with their vectors, working memory and the
-- task history. {schema} is the configured schema. Times are UTC ticks (bigint) with the original offset in minutes,
-- as in version 1; task states use their wire names.

-- A record with its unit-length vector. Without pgvector the vector is a real[] that a search scores in the
-- process, after narrowing by namespace and tags here; every vector of the table has the same dimension, which
-- upserts check under an advisory lock.
CREATE TABLE {schema}.memory_records (
    id              text     NOT NULL PRIMARY KEY,
    namespace       text     NOT NULL,
    text            text     NOT NULL,
    tags            text[]   NOT NULL,   -- in the record's order
    metadata_keys   text[]   NOT NULL,   -- metadata as two arrays of the same length, keys ordinal-sorted
    metadata_values text[]   NOT NULL,
    created_ticks   bigint   NOT NULL,
    created_offset  smallint NOT NULL,
    dimensions      integer  NOT NULL,
    vector          real[]   NOT NULL
);
CREATE INDEX ix_memory_records_namespace ON {schema}.memory_records (namespace);
CREATE INDEX ix_memory_records_tags ON {schema}.memory_records USING gin (tags);

CREATE TABLE {schema}.working_memory (
    workflow_id     text     NOT NULL,
    key             text     NOT NULL,
    value           text     NOT NULL,
    updated_ticks   bigint   NOT NULL,
    updated_offset  smallint NOT NULL,
    expires_ticks   bigint,
    expires_offset  smallint,
    PRIMARY KEY (workflow_id, key)
);
CREATE INDEX ix_working_memory_expires ON {schema}.working_memory (expires_ticks) WHERE expires_ticks IS NOT NULL;

-- One outcome per workflow, task and attempt count; seq orders outcomes recorded at the same finish time.
CREATE TABLE {schema}.task_history (
    seq             bigint   GENERATED ALWAYS AS IDENTITY,
    workflow_id     text     NOT NULL,
    task_id         text     NOT NULL,
    agent_id        text     NOT NULL,
    title           text,
    prompt          text,
    status          text     NOT NULL,
    attempts        integer  NOT NULL,
    repaired        boolean  NOT NULL,
    output          text,
    error           text,
    started_ticks   bigint,
    started_offset  smallint,
    finished_ticks  bigint   NOT NULL,
    finished_offset smallint NOT NULL,
    PRIMARY KEY (workflow_id, task_id, attempts)
);
CREATE INDEX ix_task_history_finished ON {schema}.task_history (finished_ticks, seq);
CREATE INDEX ix_task_history_agent ON {schema}.task_history (agent_id, finished_ticks);
