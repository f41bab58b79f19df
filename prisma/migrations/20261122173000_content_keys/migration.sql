-- Payload encryption: content keys of one device or one group.
CREATE TABLE "ContentKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "deviceId" UUID,
    "groupId" UUID,
    "keySealed" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    CONSTRAINT "ContentKey_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ContentKey_scope_check" CHECK (("deviceId" IS NULL) <> ("groupId" IS NULL))
);
CREATE INDEX "ContentKey_deviceId_idx" ON "ContentKey"("deviceId");
CREATE INDEX "ContentKey_groupId_idx" ON "ContentKey"("groupId");
ALTER TABLE "ContentKey" ADD CONSTRAINT "ContentKey_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ContentKey" ADD CONSTRAINT "ContentKey_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AclGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
