-- AlterEnum
ALTER TYPE "CertificateKind" ADD VALUE 'SERVICE';

-- CreateIndex
CREATE INDEX "Certificate_kind_idx" ON "Certificate"("kind");
