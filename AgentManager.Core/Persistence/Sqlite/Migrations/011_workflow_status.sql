-- Version 11: workflows by status, in commit order, for QueryWorkflowsAsync: a page of unfinished workflows (the
-- inbox, schedule recovery, GET /workflows?status=) reads these index entries instead of every workflow the store keeps.
CREATE INDEX ix_workflows_status ON workflows (status);

