-- AlterEnum
ALTER TYPE "CertificateKind" ADD VALUE 'SERVICE';

-- CreateIndex
CREATE INDEX "Certificate_kind_idx" ON "Certificate"("kind");

-- Curves by the names operators know (OpenSSL's names were stored before).
UPDATE "Certificate" SET "keyType" = 'EC P-256' WHERE "keyType" = 'EC prime256v1';
UPDATE "Certificate" SET "keyType" = 'EC P-384' WHERE "keyType" = 'EC secp384r1';
UPDATE "Certificate" SET "keyType" = 'EC P-521' WHERE "keyType" = 'EC secp521r1';
