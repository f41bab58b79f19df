-- Single sign-on (OpenID Connect): users created just in time, role mapping and the local sign-in setting.
ALTER TABLE "User" ADD COLUMN "oidcSubject" TEXT;
CREATE UNIQUE INDEX "User_oidcSubject_key" ON "User"("oidcSubject");
ALTER TABLE "FleetState" ADD COLUMN "sso" JSONB NOT NULL DEFAULT '{}';
