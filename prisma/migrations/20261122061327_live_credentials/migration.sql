-- CreateTable
CREATE TABLE "LiveCredential" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "sessionId" UUID,
    "tokenId" UUID,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LiveCredential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LiveCredential_username_key" ON "LiveCredential"("username");

-- CreateIndex
CREATE INDEX "LiveCredential_expiresAt_idx" ON "LiveCredential"("expiresAt");

-- CreateIndex
CREATE INDEX "LiveCredential_sessionId_idx" ON "LiveCredential"("sessionId");

-- AddForeignKey
ALTER TABLE "LiveCredential" ADD CONSTRAINT "LiveCredential_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "UserSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
