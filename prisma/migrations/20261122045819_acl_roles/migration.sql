-- AlterTable
ALTER TABLE "FleetState" ADD COLUMN     "aclDefaults" JSONB NOT NULL DEFAULT '{"publishClientSend": false, "publishClientReceive": true, "subscribe": false, "unsubscribe": true}';

-- CreateTable
CREATE TABLE "AclRole" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "acls" JSONB NOT NULL,
    "forNewDevices" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AclRole_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AclGroup" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AclGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupRole" (
    "groupId" UUID NOT NULL,
    "roleId" UUID NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT -1,

    CONSTRAINT "GroupRole_pkey" PRIMARY KEY ("groupId","roleId")
);

-- CreateTable
CREATE TABLE "DeviceRole" (
    "deviceId" UUID NOT NULL,
    "roleId" UUID NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT -1,

    CONSTRAINT "DeviceRole_pkey" PRIMARY KEY ("deviceId","roleId")
);

-- CreateTable
CREATE TABLE "DeviceGroup" (
    "deviceId" UUID NOT NULL,
    "groupId" UUID NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT -1,

    CONSTRAINT "DeviceGroup_pkey" PRIMARY KEY ("deviceId","groupId")
);

-- CreateIndex
CREATE UNIQUE INDEX "AclRole_name_key" ON "AclRole"("name");

-- CreateIndex
CREATE UNIQUE INDEX "AclGroup_name_key" ON "AclGroup"("name");

-- CreateIndex
CREATE INDEX "GroupRole_roleId_idx" ON "GroupRole"("roleId");

-- CreateIndex
CREATE INDEX "DeviceRole_roleId_idx" ON "DeviceRole"("roleId");

-- CreateIndex
CREATE INDEX "DeviceGroup_groupId_idx" ON "DeviceGroup"("groupId");

-- AddForeignKey
ALTER TABLE "GroupRole" ADD CONSTRAINT "GroupRole_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AclGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupRole" ADD CONSTRAINT "GroupRole_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "AclRole"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceRole" ADD CONSTRAINT "DeviceRole_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceRole" ADD CONSTRAINT "DeviceRole_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "AclRole"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceGroup" ADD CONSTRAINT "DeviceGroup_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceGroup" ADD CONSTRAINT "DeviceGroup_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AclGroup"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The access every device had before roles existed (its own devices/<client id>/# tree), as a role given to every
-- existing device and to new ones that name no role.
INSERT INTO "AclRole" ("id", "name", "description", "acls", "forNewDevices", "updatedAt")
VALUES (
  gen_random_uuid(),
  'device-self',
  'A device publishes, subscribes and receives under its own devices/<client id>/ tree only.',
  '[{"acltype": "publishClientSend", "topic": "devices/${clientId}/#", "priority": 0, "allow": true}, {"acltype": "publishClientReceive", "topic": "devices/${clientId}/#", "priority": 0, "allow": true}, {"acltype": "subscribePattern", "topic": "devices/${clientId}/#", "priority": 0, "allow": true}]',
  true,
  CURRENT_TIMESTAMP
);
INSERT INTO "DeviceRole" ("deviceId", "roleId", "priority")
SELECT d."id", r."id", -1 FROM "Device" d CROSS JOIN "AclRole" r WHERE r."name" = 'device-self';
