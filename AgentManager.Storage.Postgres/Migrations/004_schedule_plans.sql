-- Version 4: a schedule may build its runs from a confirmed version of a task plan in the plan store, which every
-- host sharing the schema can read, instead of a plan file or a workflow factory that live on one host.
-- {schema} is the configured schema.
ALTER TABLE {schema}.schedules ADD COLUMN plan_id text, ADD COLUMN plan_version integer;
