-- Housekeeping deletes refresh tokens long past their expiry; this index finds them.
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
