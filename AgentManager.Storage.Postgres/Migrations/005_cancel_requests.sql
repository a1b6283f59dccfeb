-- Version 5: a request to cancel a workflow, stored by an engine that does not run it for the engine that holds its
-- lease. A workflow keeps its first request; the engine reads those of the workflows it runs.
-- {schema} is the configured schema.
ALTER TABLE {schema}.workflows
    ADD COLUMN cancel_reason text,
    ADD COLUMN cancel_requested_by text,
    ADD COLUMN cancel_requested_ticks bigint,
    ADD COLUMN cancel_requested_offset smallint,
    ADD COLUMN cancel_correlation_id text;
