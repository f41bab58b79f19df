-- Message signing: per-device signing keys and the topics whose messages Fleetward verifies.
ALTER TABLE "FleetState" ADD COLUMN "signedTopics" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "FleetState" ADD COLUMN "signingRevision" BIGINT NOT NULL DEFAULT 0;

CREATE TABLE "SigningKey" (
    "id" TEXT NOT NULL,
    "deviceId" UUID NOT NULL,
    "algorithm" TEXT NOT NULL,
    "publicKeyPem" TEXT,
    "secretSealed" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    "lastCounter" BIGINT,
    "lastSeenAt" TIMESTAMP(3),
    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SigningKey_algorithm_check" CHECK ("algorithm" IN ('EdDSA', 'HS256')),
    CONSTRAINT "SigningKey_material_check" CHECK (("algorithm" = 'EdDSA' AND "publicKeyPem" IS NOT NULL AND "secretSealed" IS NULL) OR ("algorithm" = 'HS256' AND "secretSealed" IS NOT NULL AND "publicKeyPem" IS NULL))
);
CREATE INDEX "SigningKey_deviceId_idx" ON "SigningKey"("deviceId");
ALTER TABLE "SigningKey" ADD CONSTRAINT "SigningKey_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;
