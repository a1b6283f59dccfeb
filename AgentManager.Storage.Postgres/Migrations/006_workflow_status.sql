-- Version 6: workflows by status, in commit order, for QueryWorkflowsAsync: a page of unfinished workflows (the
-- inbox, schedule recovery, GET /workflows?status=) reads these index entries instead of every workflow the schema
-- keeps. {schema} is the configured schema.
CREATE INDEX ix_workflows_status ON {schema}.workflows (status, seq);

