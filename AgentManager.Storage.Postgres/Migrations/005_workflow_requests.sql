-- Version 5: requests to start or cancel a workflow, stored by an engine that does not run it for the engine that
-- holds its lease, which reads those of the workflows it runs. A workflow keeps its latest start request and its
-- first cancel request. {schema} is the configured schema.
ALTER TABLE {schema}.workflows
    ADD COLUMN start_requested_by text,
    ADD COLUMN start_requested_ticks bigint,
    ADD COLUMN start_requested_offset integer,
    ADD COLUMN start_correlation_id text,
    ADD COLUMN cancel_reason text,
    ADD COLUMN cancel_requested_by text,
    ADD COLUMN cancel_requested_ticks bigint,
    ADD COLUMN cancel_requested_offset integer,
    ADD COLUMN cancel_correlation_id text;
