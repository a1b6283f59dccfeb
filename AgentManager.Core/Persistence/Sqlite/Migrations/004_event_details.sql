-- Version 4: the event log keeps what it takes to replay an event (for HTTP streams that resume):
-- the correlation id and, for task events, the transition. Events logged by version 1 have NULLs here.
ALTER TABLE events ADD COLUMN correlation_id TEXT;
ALTER TABLE events ADD COLUMN from_state TEXT;
ALTER TABLE events ADD COLUMN to_state TEXT;
ALTER TABLE events ADD COLUMN trigger_name TEXT;
ALTER TABLE events ADD COLUMN actor TEXT;
ALTER TABLE events ADD COLUMN attempt INTEGER;
