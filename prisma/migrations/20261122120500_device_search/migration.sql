-- Device search (q matches client id or name anywhere, case-insensitive, or a tag exactly) uses these indexes
-- rather than reading every device: trigram indexes serve ILIKE '%q%' (three characters or more), a GIN index
-- serves tags @> ARRAY[q]. Prisma's schema language does not say operator classes; they live here.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Device_clientId_trgm_idx" ON "Device" USING gin ("clientId" gin_trgm_ops);
CREATE INDEX "Device_name_trgm_idx" ON "Device" USING gin ("name" gin_trgm_ops);
CREATE INDEX "Device_tags_idx" ON "Device" USING gin ("tags");
