-- Version 8: the running workflows, in commit order, for ListUnheldRunningWorkflowsAsync: a host looking for
-- workflows to take over reads these index entries instead of every workflow the store keeps.
CREATE INDEX ix_workflows_running ON workflows (status) WHERE status = 'running';
