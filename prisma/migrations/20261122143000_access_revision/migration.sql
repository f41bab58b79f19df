-- Bumped by the changes that can change what devices may do; the ACL findings are kept per this revision.
ALTER TABLE "FleetState" ADD COLUMN "accessRevision" BIGINT NOT NULL DEFAULT 0;
