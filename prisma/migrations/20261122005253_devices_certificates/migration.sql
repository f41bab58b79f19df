-- CreateEnum
CREATE TYPE "CertificateKind" AS ENUM ('CA', 'BROKER', 'DEVICE');

-- AlterTable
ALTER TABLE "Broker" ADD COLUMN     "kickedUpTo" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "disabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "revision" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Kick" (
    "id" BIGSERIAL NOT NULL,
    "clientId" TEXT NOT NULL,
    "revision" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Kick_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Certificate" (
    "id" UUID NOT NULL,
    "kind" "CertificateKind" NOT NULL,
    "deviceId" UUID,
    "serial" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "sans" TEXT[],
    "fingerprint256" TEXT NOT NULL,
    "keyType" TEXT NOT NULL,
    "keyBits" INTEGER,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "pem" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revocationReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_serial_key" ON "Certificate"("serial");

-- CreateIndex
CREATE INDEX "Certificate_deviceId_idx" ON "Certificate"("deviceId");

-- CreateIndex
CREATE INDEX "Certificate_notAfter_idx" ON "Certificate"("notAfter");

-- CreateIndex
CREATE INDEX "Device_createdAt_idx" ON "Device"("createdAt");

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE SET NULL ON UPDATE CASCADE;
