-- Version 7: a transition row keeps the correlation id the engine stamped on the move, as the in-memory store's
-- history does, so that GetTransitionsAsync gives back the same moves on both stores. Older rows have NULL.
ALTER TABLE transitions ADD COLUMN correlation_id TEXT;
