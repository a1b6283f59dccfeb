-- Version 10: a request to cancel a workflow, stored by an engine that does not run it for the engine that holds its
-- lease. A workflow keeps its first request; the engine reads those of the workflows it runs.
ALTER TABLE workflows ADD COLUMN cancel_reason TEXT;
ALTER TABLE workflows ADD COLUMN cancel_requested_by TEXT;
ALTER TABLE workflows ADD COLUMN cancel_requested_ticks INTEGER;
ALTER TABLE workflows ADD COLUMN cancel_requested_offset INTEGER;
ALTER TABLE workflows ADD COLUMN cancel_correlation_id TEXT;
