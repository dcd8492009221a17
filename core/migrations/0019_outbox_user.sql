-- Every outbox operation records the user who made it (NULL: the till itself, or an
-- operation written before this), which the gateway checks against central's users.
ALTER TABLE outbox ADD COLUMN user_id TEXT;
