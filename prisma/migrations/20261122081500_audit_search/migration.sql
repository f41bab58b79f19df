-- Free-text search over the audit log: who, what, which target, from where and the details, as words, kept in a
-- generated column (computed by Postgres on insert; the events' own fields, and so their hashes, are unchanged) with
-- a GIN index.
ALTER TABLE "AuditEvent" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (
  to_tsvector('simple'::regconfig, "actorLabel" || ' ' || "action" || ' ' || coalesce("targetType", '') || ' ' || coalesce("targetId", '') || ' ' || coalesce("ip", '') || ' ' || "details"::text)
) STORED;

CREATE INDEX "AuditEvent_search_idx" ON "AuditEvent" USING gin ("search");
