-- A record is stored once (issue 14): its canonical JSON text in `body`. The `amount` columns
-- repeated the body's amount and no query read them.
ALTER TABLE expenses DROP COLUMN amount;
ALTER TABLE payments DROP COLUMN amount;
