-- Version 3: the running workflows in commit order, for ListUnheldRunningWorkflowsAsync: a host looking for
-- workflows to take over reads these index entries and their rows instead of every workflow the schema keeps.
-- {schema} is the configured schema.
CREATE INDEX ix_workflows_running ON {schema}.workflows (seq) WHERE status = 'running';
