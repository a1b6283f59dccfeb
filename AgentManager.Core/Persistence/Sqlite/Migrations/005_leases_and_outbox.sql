-- Version 5: workflow leases with fencing tokens, the lease of each running task, and the outbox cursor.
-- A workflow's lease (owner, expiry, token) is taken when an engine creates or resumes it; every commit of
-- that engine carries the token. published_event_id is the last event of the workflow that was published;
-- events logged before this version count as published. details keeps what an event needs to be published
-- again beyond the version 4 columns (the level and agent of an escalation, the decision of a rejection).
ALTER TABLE workflows ADD COLUMN lease_owner          TEXT;
ALTER TABLE workflows ADD COLUMN lease_expires_ticks  INTEGER;
ALTER TABLE workflows ADD COLUMN lease_expires_offset INTEGER;
ALTER TABLE workflows ADD COLUMN fencing_token        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN published_event_id   INTEGER NOT NULL DEFAULT 0;
UPDATE workflows SET published_event_id = coalesce((SELECT max(id) FROM events e WHERE e.workflow_id = workflows.workflow_id), 0);

ALTER TABLE tasks ADD COLUMN lease_owner          TEXT;
ALTER TABLE tasks ADD COLUMN lease_expires_ticks  INTEGER;
ALTER TABLE tasks ADD COLUMN lease_expires_offset INTEGER;
ALTER TABLE tasks ADD COLUMN fencing_token        INTEGER NOT NULL DEFAULT 0;

ALTER TABLE events ADD COLUMN details TEXT;
