-- Version 10: requests to start or cancel a workflow, stored by an engine that does not run it for the engine that
-- holds its lease, which reads those of the workflows it runs. A workflow keeps its latest start request and its
-- first cancel request.
ALTER TABLE workflows ADD COLUMN start_requested_by TEXT;
ALTER TABLE workflows ADD COLUMN start_requested_ticks INTEGER;
ALTER TABLE workflows ADD COLUMN start_requested_offset INTEGER;
ALTER TABLE workflows ADD COLUMN start_correlation_id TEXT;
ALTER TABLE workflows ADD COLUMN cancel_reason TEXT;
ALTER TABLE workflows ADD COLUMN cancel_requested_by TEXT;
ALTER TABLE workflows ADD COLUMN cancel_requested_ticks INTEGER;
ALTER TABLE workflows ADD COLUMN cancel_requested_offset INTEGER;
ALTER TABLE workflows ADD COLUMN cancel_correlation_id TEXT;
