-- AlterTable
ALTER TABLE "FleetState" ADD COLUMN     "detection" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "SecurityEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "broker" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "clientId" TEXT,
    "username" TEXT,
    "ip" TEXT,
    "reason" TEXT,

    CONSTRAINT "SecurityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecurityFinding" (
    "id" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "resolvedBy" TEXT,

    CONSTRAINT "SecurityFinding_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SecurityEvent_at_idx" ON "SecurityEvent"("at");

-- CreateIndex
CREATE INDEX "SecurityEvent_ip_kind_at_idx" ON "SecurityEvent"("ip", "kind", "at");

-- CreateIndex
CREATE INDEX "SecurityEvent_clientId_kind_at_idx" ON "SecurityEvent"("clientId", "kind", "at");

-- CreateIndex
CREATE UNIQUE INDEX "SecurityEvent_broker_at_seq_key" ON "SecurityEvent"("broker", "at", "seq");

-- CreateIndex
CREATE INDEX "SecurityFinding_resolvedAt_lastAt_idx" ON "SecurityFinding"("resolvedAt", "lastAt");

-- CreateIndex
CREATE INDEX "SecurityFinding_rule_subject_idx" ON "SecurityFinding"("rule", "subject");

-- One open finding per rule and subject: a rule that fires again counts on the open one.
CREATE UNIQUE INDEX "SecurityFinding_open_key" ON "SecurityFinding"("rule", "subject") WHERE "resolvedAt" IS NULL;
