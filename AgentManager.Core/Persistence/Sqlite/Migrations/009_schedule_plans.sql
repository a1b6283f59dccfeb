-- Version 9: a schedule may build its runs from a confirmed version of a task plan in the plan store, which every
-- host sharing the store can read, instead of a plan file or a workflow factory that live on one host.
ALTER TABLE schedules ADD COLUMN plan_id TEXT;
ALTER TABLE schedules ADD COLUMN plan_version INTEGER;
