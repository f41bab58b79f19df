// The REST API's catalogue: method, path, permission and schemas of every route. Route files take their
// spec from here, the gate enforces it, the OpenAPI document is generated from it, and a test walks it.
import { z } from "zod";
import { MAX_BULK_BODY_BYTES } from "@/lib/domain/body-limits.mjs";
import type { TPermission } from "@/lib/domain/permissions";
import { ZAclPolicy, ZAclPreview, ZAclPreviewResult, ZDefaultAccessInput, ZGroupInput, ZLintResult, ZNameParams, ZRoleInput, ZSimulate, ZSimulation, ZStoredGroup, ZStoredRole } from "./acl";
import { ZAuditEvent, ZAuditExportQuery, ZAuditQuery, ZAuditVerify } from "./audit";
import { listOf, ZEmpty, ZIdParams, ZRole } from "./common";
import { ZBroker, ZBrokerAdminIdentity, ZBrokerCreate } from "./broker";
import { ZCa, ZCaCreate, ZCaImport } from "./ca";
import { ZCertificate, ZCertificateExpiry, ZCertificateQuery } from "./certificate";
import { ZDevice, ZDeviceBatch, ZDeviceBulk, ZDeviceBulkCreated, ZDeviceCreate, ZDeviceCreated, ZDeviceQuery, ZDeviceUpdate } from "./device";
import { ZSsoSettings } from "@/lib/domain/security/sso";
import { ZDetectionSettings, ZFinding, ZFindingQuery, ZFindingResolve, ZSecurityPolicy } from "./security";
import { ZDeviceLookup, ZDeviceLookupResult, ZLiveCredential, ZLiveDisconnect, ZLiveEndpoint, ZLiveMint } from "./live";
import { ZSessionInfo } from "./session";
import { ZContentKey, ZContentKeyCreate, ZContentKeyCreated, ZContentKeyParams, ZDecrypted, ZDecryptRequest, ZSignedTopics, ZSigningKey, ZSigningKeyIssue, ZSigningKeyIssued, ZSigningKeyParams } from "./signing";
import { ZApiToken, ZApiTokenWithSecret, ZTokenCreate } from "./token";
import { ZWebhook, ZWebhookCreate, ZWebhookCreated, ZWebhookDelivery } from "./webhook";
import { ZPasswordChange, ZPasswordChanged, ZRecoveryCodes, ZTwoFactorCode, ZTwoFactorStart, ZTwoFactorEnrolment, ZTwoFactorStatus, ZUser, ZUserCreate, ZUserQuery, ZUserUpdate, ZUserWithPassword } from "./user";

export type TMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export type TApiSpec = {
  method: TMethod;
  path: string;
  permission: TPermission;
  summary: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /** Mutations are audited under this action name. */
  audit?: string;
  /** A larger body limit than the default, for bulk routes. */
  maxBodyBytes?: number;
  /** For a signed-in user only (their own second factor): API tokens are refused. */
  sessionOnly?: boolean;
};

const spec = <const T extends TApiSpec>(s: T) => s;

const ZSso = z.object({
  roleMappings: z.array(z.object({ group: z.string(), role: ZRole })),
  localSignIn: z.enum(["everyone", "break-glass"]),
  breakGlassUserId: z.string().nullable(),
  provider: z.object({ issuer: z.string(), name: z.string(), groupsClaim: z.string() }).nullable(),
});

export const API = {
  health: spec({ method: "GET", path: "/api/v1/health", permission: "public", tag: "System",
    summary: "Liveness and database reachability (no credentials needed)",
    response: z.object({ ok: z.boolean(), database: z.boolean() }) }),
  openapi: spec({ method: "GET", path: "/api/v1/openapi.json", permission: "openapi.read", tag: "System",
    summary: "This OpenAPI 3.1 document" }),
  getSession: spec({ method: "GET", path: "/api/v1/session", permission: "session.read", tag: "Session",
    summary: "Who is calling: user or token, role and permissions", response: ZSessionInfo }),
  endSession: spec({ method: "DELETE", path: "/api/v1/session", permission: "session.read", tag: "Session",
    summary: "Sign out: ends the calling browser session", audit: "auth.sign_out",
    response: z.object({ ended: z.boolean() }) }),
  getTwoFactor: spec({ method: "GET", path: "/api/v1/session/two-factor", permission: "session.read", sessionOnly: true, tag: "Session",
    summary: "The signed-in user's second factor: on or off, recovery codes left, whether the policy requires it", response: ZTwoFactorStatus }),
  startTwoFactorEnrolment: spec({ method: "POST", path: "/api/v1/session/two-factor/enrolment", permission: "session.read", sessionOnly: true, tag: "Session",
    summary: "Start enrolling an authenticator app (the password asked again): a new TOTP secret (returned once, as text and QR code), pending until confirmed",
    body: ZTwoFactorStart, response: ZTwoFactorEnrolment, audit: "user.two_factor_enrolment_start" }),
  confirmTwoFactorEnrolment: spec({ method: "POST", path: "/api/v1/session/two-factor/enrolment/confirm", permission: "session.read", sessionOnly: true, tag: "Session",
    summary: "Confirm the enrolment with the code the authenticator shows: two-factor authentication is on; the 10 recovery codes are returned once",
    body: ZTwoFactorCode, response: ZRecoveryCodes.extend({ enabled: z.boolean(), enabledAt: z.string() }), audit: "user.two_factor_enable" }),
  regenerateRecoveryCodes: spec({ method: "POST", path: "/api/v1/session/two-factor/recovery-codes", permission: "session.read", sessionOnly: true, tag: "Session",
    summary: "Replace the recovery codes (the new ones are returned once), proven by a current code", body: ZTwoFactorCode, response: ZRecoveryCodes,
    audit: "user.recovery_codes_regenerate" }),
  disableTwoFactor: spec({ method: "POST", path: "/api/v1/session/two-factor/disable", permission: "session.read", sessionOnly: true, tag: "Session",
    summary: "Turn the second factor off, proven by a current code or a recovery code (refused where the policy requires it)",
    body: ZTwoFactorCode, response: z.object({ enabled: z.boolean() }), audit: "user.two_factor_disable" }),
  changePassword: spec({ method: "POST", path: "/api/v1/session/password", permission: "session.read", sessionOnly: true, tag: "Session",
    summary: "Change one's own password, proven by the current one (a wrong one counts towards the sign-in lockout); the user's other sessions and their live credentials end",
    body: ZPasswordChange, response: ZPasswordChanged, audit: "user.password_change" }),

  listUsers: spec({ method: "GET", path: "/api/v1/users", permission: "users.read", tag: "Users",
    summary: "List dashboard users", query: ZUserQuery, response: listOf(ZUser) }),
  createUser: spec({ method: "POST", path: "/api/v1/users", permission: "users.manage", tag: "Users",
    summary: "Create a user; the generated password is returned once", body: ZUserCreate,
    response: ZUserWithPassword, status: 201, audit: "user.create" }),
  getUser: spec({ method: "GET", path: "/api/v1/users/{id}", permission: "users.read", tag: "Users",
    summary: "One user", params: ZIdParams, response: ZUser }),
  updateUser: spec({ method: "PATCH", path: "/api/v1/users/{id}", permission: "users.manage", tag: "Users",
    summary: "Change a user's name or role, or disable / enable them", params: ZIdParams, body: ZUserUpdate,
    response: ZUser, audit: "user.update" }),
  resetUserPassword: spec({ method: "POST", path: "/api/v1/users/{id}/reset-password", permission: "users.manage",
    tag: "Users", summary: "Generate a new password (returned once) and end the user's sessions",
    params: ZIdParams, body: ZEmpty, response: ZUserWithPassword, audit: "user.reset_password" }),
  resetUserTwoFactor: spec({ method: "POST", path: "/api/v1/users/{id}/reset-two-factor", permission: "users.manage",
    tag: "Users", summary: "Remove a user's second factor (a lost authenticator) and end their sessions; they enrol again",
    params: ZIdParams, body: ZEmpty, response: ZUser, audit: "user.two_factor_reset" }),
  endUserSessions: spec({ method: "POST", path: "/api/v1/users/{id}/end-sessions", permission: "users.manage", tag: "Users",
    summary: "End every session of a user now (signed out at their next request) and their live credentials", params: ZIdParams, body: ZEmpty,
    response: z.object({ ended: z.number() }), audit: "user.sessions_end" }),
  getSso: spec({ method: "GET", path: "/api/v1/security/sso", permission: "users.read", tag: "Users",
    summary: "Single sign-on: the provider configured by environment (or null), the group-to-role mappings, and who may still sign in with a local password",
    response: ZSso }),
  setSso: spec({ method: "PUT", path: "/api/v1/security/sso", permission: "users.manage", tag: "Users",
    summary: "Set the group-to-role mappings and the local sign-in setting (everyone, or only the break-glass admin)", body: ZSsoSettings, response: ZSso, audit: "security.sso_update" }),

  listTokens: spec({ method: "GET", path: "/api/v1/tokens", permission: "tokens.read", tag: "API tokens",
    summary: "List API tokens (never their secrets)", response: listOf(ZApiToken) }),
  createToken: spec({ method: "POST", path: "/api/v1/tokens", permission: "tokens.manage", tag: "API tokens",
    summary: "Create an API token; the secret is returned once", body: ZTokenCreate,
    response: ZApiTokenWithSecret, status: 201, audit: "token.create" }),
  revokeToken: spec({ method: "DELETE", path: "/api/v1/tokens/{id}", permission: "tokens.manage", tag: "API tokens",
    summary: "Revoke an API token", params: ZIdParams, response: ZApiToken, audit: "token.revoke" }),

  listBrokers: spec({ method: "GET", path: "/api/v1/brokers", permission: "inventory.read", tag: "Brokers",
    summary: "Brokers with reachability, facts and sync state (in_sync, syncing, drifted, offline, error)", response: listOf(ZBroker) }),
  createBroker: spec({ method: "POST", path: "/api/v1/brokers", permission: "fleet.manage", tag: "Brokers",
    summary: "Register a broker: the admin channel is tested first and a specific error names what failed",
    body: ZBrokerCreate, response: ZBroker, status: 201, audit: "broker.create" }),
  getBroker: spec({ method: "GET", path: "/api/v1/brokers/{id}", permission: "inventory.read", tag: "Brokers",
    summary: "One broker", params: ZIdParams, response: ZBroker }),
  deleteBroker: spec({ method: "DELETE", path: "/api/v1/brokers/{id}", permission: "fleet.manage", tag: "Brokers",
    summary: "Stop managing a broker (it keeps running)", params: ZIdParams, response: z.object({ deleted: z.boolean() }), audit: "broker.delete" }),
  reconcileBroker: spec({ method: "POST", path: "/api/v1/brokers/{id}/reconcile", permission: "fleet.manage", tag: "Brokers",
    summary: "Push the whole desired state to the broker now (repairs drift)", params: ZIdParams, body: ZEmpty,
    response: z.object({ queued: z.boolean() }), status: 202, audit: "broker.reconcile" }),
  rotateBrokerAdminIdentity: spec({ method: "PUT", path: "/api/v1/brokers/{id}/admin-identity", permission: "fleet.manage", tag: "Brokers",
    summary: "Replace the client certificate and key Fleetward presents on the broker's admin channel: checked (CN, signed by the broker's CA, valid now, its own key) and tried on the broker before it replaces the current one; the next sync uses it",
    params: ZIdParams, body: ZBrokerAdminIdentity, response: ZBroker, audit: "broker.admin_identity_rotate" }),
  getBrokerDrift: spec({ method: "GET", path: "/api/v1/brokers/{id}/drift", permission: "inventory.read", tag: "Brokers",
    summary: "Entry-by-entry difference between what the broker holds and the desired state (no secrets)", params: ZIdParams }),
  getBrokerTls: spec({ method: "GET", path: "/api/v1/brokers/{id}/tls", permission: "inventory.read", tag: "Brokers",
    summary: "TLS posture per listener: protocol versions accepted, negotiated suite, certificate chain", params: ZIdParams }),

  listDevices: spec({ method: "GET", path: "/api/v1/devices", permission: "inventory.read", tag: "Devices",
    summary: "Devices by client id; q matches client id, name or tag", query: ZDeviceQuery, response: listOf(ZDevice) }),
  createDevice: spec({ method: "POST", path: "/api/v1/devices", permission: "fleet.manage", tag: "Devices",
    summary: "Onboard a device with its own secret (password, TLS-PSK or X.509 from a CSR or generated), returned once with the connection bundle",
    body: ZDeviceCreate, response: ZDeviceCreated, status: 201, audit: "device.create" }),
  createDevicesBulk: spec({ method: "POST", path: "/api/v1/devices:bulk", permission: "fleet.manage", tag: "Devices",
    summary: "Bulk import: every row is validated first and any bad row rejects the whole import (422, each bad row as devices.<row>.<field>); then all commit together and are pushed. Secrets returned once",
    body: ZDeviceBulk, response: ZDeviceBulkCreated, status: 201, audit: "device.bulk_create", maxBodyBytes: MAX_BULK_BODY_BYTES }),
  getDeviceBatch: spec({ method: "GET", path: "/api/v1/device-batches/{id}", permission: "inventory.read", tag: "Devices",
    summary: "A bulk import and its push progress per broker", params: ZIdParams, response: ZDeviceBatch }),
  cancelDeviceBatch: spec({ method: "POST", path: "/api/v1/device-batches/{id}/cancel", permission: "fleet.manage", tag: "Devices",
    summary: "Cancel a bulk import: its devices are removed everywhere (certificates revoked, sessions closed)",
    params: ZIdParams, body: ZEmpty, response: ZDeviceBatch, audit: "device.bulk_cancel" }),
  getDevice: spec({ method: "GET", path: "/api/v1/devices/{id}", permission: "inventory.read", tag: "Devices",
    summary: "One device with its certificates and per-broker sync state", params: ZIdParams }),
  updateDevice: spec({ method: "PATCH", path: "/api/v1/devices/{id}", permission: "fleet.manage", tag: "Devices",
    summary: "Disable or enable a device (a disabled device is refused or may do nothing; sessions closed), or give it roles and groups (replacing those it held)", params: ZIdParams,
    body: ZDeviceUpdate, response: ZDevice, audit: "device.disable" }),
  deleteDevice: spec({ method: "DELETE", path: "/api/v1/devices/{id}", permission: "fleet.manage", tag: "Devices",
    summary: "Remove a device everywhere: credentials revoked, sessions closed", params: ZIdParams,
    response: z.object({ deleted: z.boolean(), revision: z.string() }), audit: "device.delete" }),
  revokeDevice: spec({ method: "POST", path: "/api/v1/devices/{id}/revoke", permission: "fleet.manage", tag: "Devices",
    summary: "Revoke all of a device's credentials (certificates into the CRL) and disconnect it on every broker", params: ZIdParams,
    body: ZEmpty, response: ZDevice, audit: "device.revoke" }),
  rotateDevice: spec({ method: "POST", path: "/api/v1/devices/{id}/rotate", permission: "fleet.manage", tag: "Devices",
    summary: "New password or PSK (old one stops working), or a renewed certificate (old one stays valid until revoked)",
    params: ZIdParams, body: z.strictObject({ csrPem: z.string().max(16_000, "is too long for a CSR").optional() }), response: ZDeviceCreated, audit: "device.rotate" }),
  listCertificates: spec({ method: "GET", path: "/api/v1/certificates", permission: "inventory.read", tag: "Certificates",
    summary: "Every certificate Fleetward knows (CA, brokers, its own identities, devices): q matches subject, issuer, SAN, serial, fingerprint or client id; filter by kind, status or expiry; sort",
    query: ZCertificateQuery, response: listOf(ZCertificate) }),
  getCertificateExpiry: spec({ method: "GET", path: "/api/v1/certificates/expiry", permission: "inventory.read", tag: "Certificates",
    summary: "How many certificates expire within 7, 30 and 90 days, and how many expired or were revoked", response: ZCertificateExpiry }),
  getCertificate: spec({ method: "GET", path: "/api/v1/certificates/{id}", permission: "inventory.read", tag: "Certificates",
    summary: "One certificate with its PEM", params: ZIdParams, response: ZCertificate.extend({ pem: z.string() }) }),
  listCas: spec({ method: "GET", path: "/api/v1/ca", permission: "inventory.read", tag: "Certificates",
    summary: "The device CAs brokers trust (the fleet CA first) and which one signs new device certificates",
    response: z.object({ items: z.array(ZCa) }) }),
  createCa: spec({ method: "POST", path: "/api/v1/ca", permission: "ca.manage", tag: "Certificates",
    summary: "Create a device CA (ECDSA P-256 or RSA 3072, validity in days); it signs new device certificates, earlier ones stay valid",
    body: ZCaCreate, response: ZCa, status: 201, audit: "ca.create" }),
  importCa: spec({ method: "POST", path: "/api/v1/ca/import", permission: "ca.manage", tag: "Certificates",
    summary: "Import a root CA with its unencrypted private key (checked); it signs new device certificates",
    body: ZCaImport, response: ZCa, status: 201, audit: "ca.import" }),
  getCrl: spec({ method: "GET", path: "/api/v1/ca/crl", permission: "public", tag: "Certificates",
    summary: "The current CRL of every device CA (PEM bundle, the fleet CA's first), as pushed to every broker" }),

  simulateAccess: spec({ method: "POST", path: "/api/v1/acl/simulate", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "Allowed or denied, and the rule or default that decided: for an ad hoc policy in the dynamic security plugin's vocabulary (evaluated exactly as Mosquitto 2.0's plugin does), or for a stored device as the fleet's brokers enforce it now",
    body: ZSimulate, response: ZSimulation }),
  lintAcl: spec({ method: "POST", path: "/api/v1/acl/lint", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "Findings about a policy: wildcards that reach everything, broker topics open to devices, open defaults, rules that never decide, equal-priority conflicts, unused roles, clients without a role; each with why and how to fix",
    body: ZAclPolicy, response: ZLintResult }),

  listRoles: spec({ method: "GET", path: "/api/v1/roles", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "Every role: its rules (the dynamic security plugin's vocabulary; topics may hold ${clientId} and ${username}), holders", response: listOf(ZStoredRole) }),
  createRole: spec({ method: "POST", path: "/api/v1/roles", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Create a role", body: ZRoleInput, response: ZStoredRole.extend({ revision: z.string().nullable() }), status: 201, audit: "role.create" }),
  getRole: spec({ method: "GET", path: "/api/v1/roles/{name}", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "One role", params: ZNameParams, response: ZStoredRole }),
  updateRole: spec({ method: "PUT", path: "/api/v1/roles/{name}", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Replace a role's rules (and rename it): its holders' rules change on every broker; revision names the desired state that carries it (null when nobody holds the role)",
    params: ZNameParams, body: ZRoleInput, response: ZStoredRole.extend({ revision: z.string().nullable() }), audit: "role.update" }),
  deleteRole: spec({ method: "DELETE", path: "/api/v1/roles/{name}", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Delete a role no device or group holds", params: ZNameParams, response: z.object({ deleted: z.boolean() }), audit: "role.delete" }),
  listGroups: spec({ method: "GET", path: "/api/v1/groups", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "Every group of devices and the roles it gives them", response: listOf(ZStoredGroup) }),
  createGroup: spec({ method: "POST", path: "/api/v1/groups", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Create a group", body: ZGroupInput, response: ZStoredGroup.extend({ revision: z.string().nullable() }), status: 201, audit: "group.create" }),
  getGroup: spec({ method: "GET", path: "/api/v1/groups/{name}", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "One group", params: ZNameParams, response: ZStoredGroup }),
  updateGroup: spec({ method: "PUT", path: "/api/v1/groups/{name}", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Replace a group's roles (and rename it): its devices' rules change on every broker", params: ZNameParams, body: ZGroupInput,
    response: ZStoredGroup.extend({ revision: z.string().nullable() }), audit: "group.update" }),
  deleteGroup: spec({ method: "DELETE", path: "/api/v1/groups/{name}", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Delete a group that holds no device", params: ZNameParams, response: z.object({ deleted: z.boolean() }), audit: "group.delete" }),
  getAclDefaults: spec({ method: "GET", path: "/api/v1/acl/defaults", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "The fleet's default access where no rule decides (the plugin's defaultACLAccess)", response: ZDefaultAccessInput }),
  setAclDefaults: spec({ method: "PUT", path: "/api/v1/acl/defaults", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Set the fleet's default access; every device's rules are rendered anew", body: ZDefaultAccessInput,
    response: ZDefaultAccessInput.extend({ revision: z.string().nullable() }), audit: "acl.defaults_update" }),
  previewAcl: spec({ method: "POST", path: "/api/v1/acl/preview", permission: "fleet.manage", tag: "Roles and ACLs",
    summary: "Before saving a role, group, default access or a device's roles: each device whose broker rules change (lines removed and added), how many are connected on each broker, sessions the change disconnects, and the findings it brings. Writes nothing",
    body: ZAclPreview, response: ZAclPreviewResult }),
  listAclFindings: spec({ method: "GET", path: "/api/v1/acl/findings", permission: "inventory.read", tag: "Roles and ACLs",
    summary: "The linter's findings about the stored roles, groups, default access and devices, including rules the brokers cannot enforce exactly",
    response: ZLintResult }),

  mintLiveCredential: spec({ method: "POST", path: "/api/v1/live/credentials", permission: "overview.read", tag: "Live",
    summary: "A short-lived, read-only broker credential for live views ($SYS, the agents' client and event topics and, for operators and admins, the devices' traffic), returned once; it replaces the caller's credential named in `replaces`, a session holds at most 4 (one per open page), and it leaves every broker at sign-out or expiry",
    body: ZLiveMint, response: ZLiveCredential, status: 201, audit: "live.credential_mint" }),
  disconnectClient: spec({ method: "POST", path: "/api/v1/live/disconnect", permission: "live.disconnect", tag: "Live",
    summary: "Close a client's sessions on every broker (the sync engine's kick path); a client with valid credentials may connect again",
    body: ZLiveDisconnect, response: z.object({ clientId: z.string(), revision: z.string() }), audit: "live.disconnect" }),
  lookupDevices: spec({ method: "POST", path: "/api/v1/devices:lookup", permission: "inventory.read", tag: "Devices",
    summary: "Which of these client ids are known devices (for the live views: unknown ones stand out)",
    body: ZDeviceLookup, response: ZDeviceLookupResult }),
  getLiveEndpoint: spec({ method: "GET", path: "/api/v1/live/brokers/{id}/endpoint", permission: "overview.read", tag: "Live",
    summary: "Where the WebSocket relay reaches a broker's MQTT over secure WebSockets listener, and the CA it verifies",
    params: ZIdParams, response: ZLiveEndpoint }),

  listAudit: spec({ method: "GET", path: "/api/v1/audit", permission: "audit.read", tag: "Audit",
    summary: "Audit events, newest first, filtered (actor, action, target, time range, free text `q`) and paged", query: ZAuditQuery, response: listOf(ZAuditEvent) }),
  exportAudit: spec({ method: "GET", path: "/api/v1/audit/export", permission: "audit.read", tag: "Audit",
    summary: "A filtered range of the log, oldest first, streamed as CSV (`format=csv`) or JSON Lines (`format=jsonl`); the export is itself audited",
    query: ZAuditExportQuery, audit: "audit.export" }),
  verifyAudit: spec({ method: "GET", path: "/api/v1/audit/verify", permission: "audit.verify", tag: "Audit",
    summary: "Walk the whole chain (links, hashes, MACs under the audit key), name the first broken event and why, and report a tail missing against the newest checkpoint kept outside the database", response: ZAuditVerify }),
  listFindings: spec({ method: "GET", path: "/api/v1/security/findings", permission: "security.read", tag: "Security",
    summary: "Findings the detection rules raised from the brokers' security events (open ones by default), most recently seen first, with the open count per severity",
    query: ZFindingQuery, response: listOf(ZFinding).extend({ open: z.record(z.string(), z.number()) }) }),
  resolveFinding: spec({ method: "POST", path: "/api/v1/security/findings/{id}/resolve", permission: "security.manage", tag: "Security",
    summary: "Resolve an open finding (a rule that fires again opens a new one)", params: ZIdParams, body: ZFindingResolve, response: ZFinding, audit: "security.finding_resolve" }),
  runPosture: spec({ method: "POST", path: "/api/v1/security/posture/run", permission: "security.manage", tag: "Security",
    summary: "Run the posture checks now (certificates expiring, weak keys, old or shared credentials, devices unseen, unused tokens, permissive ACLs): opens findings, resolves those whose condition is gone",
    body: ZEmpty, response: z.object({ open: z.number(), raised: z.number(), resolved: z.number(), checkedAt: z.string() }), audit: "security.posture_run" }),
  getDetection: spec({ method: "GET", path: "/api/v1/security/detection", permission: "security.read", tag: "Security",
    summary: "The detection rules' thresholds in force", response: ZDetectionSettings }),
  setDetection: spec({ method: "PUT", path: "/api/v1/security/detection", permission: "security.manage", tag: "Security",
    summary: "Tune the detection rules' thresholds (what is left out keeps its default)", body: ZDetectionSettings, response: ZDetectionSettings, audit: "security.detection_update" }),
  getSecurityPolicy: spec({ method: "GET", path: "/api/v1/security/policy", permission: "security.read", tag: "Security",
    summary: "The security policy in force: two-factor authentication for admins, the posture checks' thresholds (days)", response: ZSecurityPolicy }),
  setSecurityPolicy: spec({ method: "PUT", path: "/api/v1/security/policy", permission: "security.manage", tag: "Security",
    summary: "Set the security policy (what is left out keeps its default); requiring two-factor authentication for admins takes effect on their next request",
    body: ZSecurityPolicy, response: ZSecurityPolicy, audit: "security.policy_update" }),

  listWebhooks: spec({ method: "GET", path: "/api/v1/webhooks", permission: "security.read", tag: "Notifications",
    summary: "Webhook targets (never their signing keys), each with its latest delivery", response: z.object({ items: z.array(ZWebhook) }) }),
  createWebhook: spec({ method: "POST", path: "/api/v1/webhooks", permission: "security.manage", tag: "Notifications",
    summary: "Add a webhook target for new high-severity findings and/or expiring certificates; its HMAC signing key is returned once",
    body: ZWebhookCreate, response: ZWebhookCreated, status: 201, audit: "webhook.create" }),
  deleteWebhook: spec({ method: "DELETE", path: "/api/v1/webhooks/{id}", permission: "security.manage", tag: "Notifications",
    summary: "Remove a webhook target and its deliveries", params: ZIdParams, response: z.object({ deleted: z.boolean() }), audit: "webhook.delete" }),
  testWebhook: spec({ method: "POST", path: "/api/v1/webhooks/{id}/test", permission: "security.manage", tag: "Notifications",
    summary: "Send a signed \"ping\" to the target now (retried like any delivery)", params: ZIdParams, body: ZEmpty, response: ZWebhookDelivery, status: 202, audit: "webhook.test" }),
  listWebhookDeliveries: spec({ method: "GET", path: "/api/v1/webhooks/{id}/deliveries", permission: "security.read", tag: "Notifications",
    summary: "A target's latest 50 deliveries: event, status (pending, delivered, failed), attempts, the receiver's last answer", params: ZIdParams,
    response: z.object({ items: z.array(ZWebhookDelivery) }) }),

  listSigningKeys: spec({ method: "GET", path: "/api/v1/devices/{id}/signing-keys", permission: "inventory.read", tag: "Message signing",
    summary: "A device's message signing keys, newest first (public keys only; an HMAC key is never shown again)", params: ZIdParams, response: listOf(ZSigningKey) }),
  issueSigningKey: spec({ method: "POST", path: "/api/v1/devices/{id}/signing-keys", permission: "fleet.manage", tag: "Message signing",
    summary: "Issue a signing key (Ed25519 or HMAC-SHA256) to a device; its private part is returned once. With replace, its active keys are revoked in the same change (rotation)",
    params: ZIdParams, body: ZSigningKeyIssue, response: ZSigningKeyIssued, status: 201, audit: "device.signing_key_issue" }),
  revokeSigningKey: spec({ method: "POST", path: "/api/v1/devices/{id}/signing-keys/{kid}/revoke", permission: "fleet.manage", tag: "Message signing",
    summary: "Revoke a signing key: messages signed with it are invalid from then on", params: ZSigningKeyParams, body: ZEmpty, response: ZSigningKey, audit: "device.signing_key_revoke" }),
  getSignedTopics: spec({ method: "GET", path: "/api/v1/signing/topics", permission: "inventory.read", tag: "Message signing",
    summary: "The topic filters whose messages Fleetward verifies, and which of them are signed only (unsigned traffic there is a finding)", response: ZSignedTopics }),
  setSignedTopics: spec({ method: "PUT", path: "/api/v1/signing/topics", permission: "security.manage", tag: "Message signing",
    summary: "Replace the verified topic filters", body: ZSignedTopics, response: ZSignedTopics, audit: "signing.topics_update" }),
  getSigningJwks: spec({ method: "GET", path: "/api/v1/signing/jwks", permission: "inventory.read", tag: "Message signing",
    summary: "The active Ed25519 signing keys as a JWK set (kid, device), for consumers that verify messages themselves",
    response: z.object({ keys: z.array(z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), kid: z.string(), alg: z.literal("EdDSA"), use: z.literal("sig"), sub: z.string() })) }) }),
  listContentKeys: spec({ method: "GET", path: "/api/v1/content-keys", permission: "inventory.read", tag: "Message signing",
    summary: "Payload encryption keys (of one device or one group), newest first; never the keys themselves", response: listOf(ZContentKey) }),
  issueContentKey: spec({ method: "POST", path: "/api/v1/content-keys", permission: "security.manage", tag: "Message signing",
    summary: "Issue a payload encryption key (JWE dir + A256GCM) for a device or a group; the key is returned once, for the devices and the consumers allowed to read",
    body: ZContentKeyCreate, response: ZContentKeyCreated, status: 201, audit: "content_key.issue" }),
  revokeContentKey: spec({ method: "POST", path: "/api/v1/content-keys/{kid}/revoke", permission: "security.manage", tag: "Message signing",
    summary: "Revoke a content key: messages under it are invalid to the verifier and no longer decrypted", params: ZContentKeyParams, body: ZEmpty, response: ZContentKey, audit: "content_key.revoke" }),
  decryptMessage: spec({ method: "POST", path: "/api/v1/live/decrypt", permission: "live.decrypt", tag: "Live",
    summary: "Decrypt one encrypted message the inspector shows (audited: key, topic and size, never the plaintext)", body: ZDecryptRequest, response: ZDecrypted, audit: "live.payload_decrypt" }),
} as const;

export type TApiName = keyof typeof API;
