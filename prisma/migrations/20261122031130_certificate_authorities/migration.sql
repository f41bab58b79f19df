-- CreateEnum
CREATE TYPE "CaSource" AS ENUM ('CREATED', 'IMPORTED');

-- AlterTable
ALTER TABLE "Certificate" ADD COLUMN     "caId" UUID;

-- CreateTable
CREATE TABLE "CertificateAuthority" (
    "id" UUID NOT NULL,
    "commonName" TEXT NOT NULL,
    "certPem" TEXT NOT NULL,
    "keySealed" TEXT NOT NULL,
    "subjectHash" TEXT NOT NULL,
    "fingerprint256" TEXT NOT NULL,
    "source" "CaSource" NOT NULL,
    "issuing" BOOLEAN NOT NULL DEFAULT false,
    "crlPem" TEXT NOT NULL,
    "crlIssuedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificateAuthority_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CertificateAuthority_fingerprint256_key" ON "CertificateAuthority"("fingerprint256");

-- CreateIndex
CREATE INDEX "Certificate_caId_idx" ON "Certificate"("caId");

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_caId_fkey" FOREIGN KEY ("caId") REFERENCES "CertificateAuthority"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- At most one CA issues device certificates at a time.
CREATE UNIQUE INDEX "CertificateAuthority_one_issuing" ON "CertificateAuthority"("issuing") WHERE "issuing";
