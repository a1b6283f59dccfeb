-- Version 6: a human decision keeps the correlation id of the request that took it, so that the engine that
-- applies it (possibly in another process) stamps the resulting events with it. Older decisions have NULL.
ALTER TABLE human_decisions ADD COLUMN correlation_id TEXT;
