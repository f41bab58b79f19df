-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "batchId" UUID;

-- CreateTable
CREATE TABLE "DeviceBatch" (
    "id" UUID NOT NULL,
    "count" INTEGER NOT NULL,
    "revision" BIGINT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "cancelRevision" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeviceBatch_createdAt_idx" ON "DeviceBatch"("createdAt");

-- CreateIndex
CREATE INDEX "Device_batchId_idx" ON "Device"("batchId");

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "DeviceBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;
