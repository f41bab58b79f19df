-- The keyed audit chain: each new event carries the id of the audit key (from the environment, never stored here)
-- and the MAC of its hash under it. Events written before stay as they are (the table is append-only): the first
-- event the application writes after this migration is an `audit.reanchor` event whose MAC seals them.
ALTER TABLE "AuditEvent" ADD COLUMN "keyId" TEXT, ADD COLUMN "mac" TEXT;
