-- Free-text search over the audit log: who, what, which target, from where and the details, as words. An expression
-- index (no column is added: events stay exactly as they were hashed). The query repeats this expression verbatim.
CREATE INDEX "AuditEvent_search_idx" ON "AuditEvent" USING gin (
  to_tsvector('simple'::regconfig, "actorLabel" || ' ' || "action" || ' ' || coalesce("targetType", '') || ' ' || coalesce("targetId", '') || ' ' || coalesce("ip", '') || ' ' || "details"::text)
);
