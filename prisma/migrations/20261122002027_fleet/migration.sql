-- CreateEnum
CREATE TYPE "DeviceAuthType" AS ENUM ('PASSWORD', 'PSK', 'X509');

-- CreateTable
CREATE TABLE "FleetSecret" (
    "name" TEXT NOT NULL,
    "publicPem" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FleetSecret_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "FleetState" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "revision" BIGINT NOT NULL DEFAULT 0,
    "crlPem" TEXT,
    "crlIssuedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FleetState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Broker" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "ports" JSONB NOT NULL,
    "caPem" TEXT NOT NULL,
    "adminCertPem" TEXT NOT NULL,
    "adminKeySealed" TEXT NOT NULL,
    "tags" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3),
    "version" TEXT,
    "uptimeSeconds" INTEGER,
    "connectedClients" INTEGER,
    "appliedRevision" BIGINT NOT NULL DEFAULT 0,
    "appliedAt" TIMESTAMP(3),
    "expectedDigests" JSONB,
    "actualDigests" JSONB,
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMP(3),

    CONSTRAINT "Broker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Device" (
    "id" UUID NOT NULL,
    "clientId" TEXT NOT NULL,
    "name" TEXT,
    "tags" TEXT[],
    "authType" "DeviceAuthType" NOT NULL,
    "passwordHash" TEXT,
    "pskIdentity" TEXT,
    "pskKeySealed" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Device_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Broker_name_key" ON "Broker"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Device_clientId_key" ON "Device"("clientId");

-- CreateIndex
CREATE UNIQUE INDEX "Device_pskIdentity_key" ON "Device"("pskIdentity");

-- Agent commands carry a number from this sequence; agents refuse any number not above the last they ran,
-- so a captured command cannot be replayed, whichever Fleetward replica issued it.
CREATE SEQUENCE agent_command_seq;

INSERT INTO "FleetState" (id, revision, "updatedAt") VALUES (1, 0, now());
