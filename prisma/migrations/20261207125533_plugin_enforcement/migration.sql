-- CreateEnum
CREATE TYPE "Enforcement" AS ENUM ('FILES', 'PLUGIN');

-- AlterTable
ALTER TABLE "Broker" ADD COLUMN     "enforcement" "Enforcement" NOT NULL DEFAULT 'FILES',
ADD COLUMN     "pluginDigest" TEXT;

-- CreateTable
CREATE TABLE "FleetChange" (
    "revision" BIGINT NOT NULL,
    "changes" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FleetChange_pkey" PRIMARY KEY ("revision")
);
