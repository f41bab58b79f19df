import { z } from "zod";
import { templateProblem } from "@/lib/domain/acl/templates";
import { topicFilterProblem, topicNameProblem } from "@/lib/domain/acl/topics";
import { ZPlainString, ZUuid } from "./common";

// The broker's own vocabulary (Mosquitto's dynamic security plugin), as the ad hoc simulator takes it.
export const ACL_TYPES = ["publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern", "unsubscribeLiteral", "unsubscribePattern"] as const;
export const ACL_ACTIONS = ["publish", "subscribe", "receive", "unsubscribe"] as const;

const ZName = (what: string) => ZPlainString("is required").min(1, "is required").max(200, `must be at most 200 characters for a ${what}`);

/** The plugin reads a priority as a C int: any 32-bit signed integer is a real configuration. */
const ZPriority = z
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(-2_147_483_648, "must be a 32-bit integer (at least -2147483648)")
  .max(2_147_483_647, "must be a 32-bit integer (at most 2147483647)");

/** Fleetward keeps the priorities of the roles and groups it stores within its own, tighter limit. */
export const MAX_STORED_PRIORITY = 1_000_000;
const ZStoredPriority = z
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(-MAX_STORED_PRIORITY, `must be at least -${MAX_STORED_PRIORITY} (Fleetward's own limit for the roles and groups it stores; the plugin takes any 32-bit integer)`)
  .max(MAX_STORED_PRIORITY, `must be at most ${MAX_STORED_PRIORITY} (Fleetward's own limit for the roles and groups it stores; the plugin takes any 32-bit integer)`);

/** Every rule type takes a topic filter: wildcards are patterns in publish and pattern rules, literal text in literal ones. */
const ZRuleTopic = z.string({ error: "is required" }).superRefine((t, ctx) => {
  const problem = topicFilterProblem(t);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** The plugin's own free-text labels, kept in its configuration files: taken and ignored. */
const TEXT_LABELS = {
  textname: z.string({ error: "must be a string" }).max(65_535, "is too long").optional(),
  textdescription: z.string({ error: "must be a string" }).max(65_535, "is too long").optional(),
};

export const ZAclRule = z.strictObject({
  acltype: z.enum(ACL_TYPES, { error: `must be one of ${ACL_TYPES.join(", ")}` }),
  topic: ZRuleTopic,
  priority: ZPriority.default(0),
  allow: z.boolean({ error: "must be true or false" }).default(false),
});

export const ZAclRole = z.strictObject({
  rolename: ZName("role"),
  ...TEXT_LABELS,
  acls: z.array(ZAclRule, { error: "must be a list of rules" }).max(1_000, "must hold at most 1000 rules").default([]),
});

export const ZRoleRef = z.strictObject({ rolename: ZName("role"), priority: ZPriority.default(-1) });
export const ZGroupRef = z.strictObject({ groupname: ZName("group"), priority: ZPriority.default(-1) });
const ZStoredRoleRef = z.strictObject({ rolename: ZName("role"), priority: ZStoredPriority.default(-1) });
const ZStoredGroupRef = z.strictObject({ groupname: ZName("group"), priority: ZStoredPriority.default(-1) });

export const ZDefaultAccess = z.strictObject({
  publishClientSend: z.boolean({ error: "must be true or false" }).default(false),
  publishClientReceive: z.boolean({ error: "must be true or false" }).default(true),
  subscribe: z.boolean({ error: "must be true or false" }).default(false),
  unsubscribe: z.boolean({ error: "must be true or false" }).default(true),
});

// A policy: roles, groups, a client and the default access, as the plugin holds them.
const POLICY = {
  roles: z
    .array(ZAclRole, { error: "must be a list of roles" })
    .max(1_000, "must hold at most 1000 roles")
    .superRefine((roles, ctx) => {
      const seen = new Set<string>();
      roles.forEach((r, i) => {
        if (seen.has(r.rolename)) ctx.addIssue({ code: "custom", path: [i, "rolename"], message: "is given twice" });
        seen.add(r.rolename);
      });
    }),
  groups: z.array(z.strictObject({ groupname: ZName("group"), ...TEXT_LABELS, roles: z.array(ZRoleRef).max(1_000).default([]) })).max(1_000, "must hold at most 1000 groups").default([]),
  client: z.strictObject({
    username: ZName("username"),
    ...TEXT_LABELS,
    clientid: ZPlainString().max(65_535, "must be at most 65535 characters").default(""),
    roles: z.array(ZRoleRef).max(1_000).default([]),
    groups: z.array(ZGroupRef).max(1_000).default([]),
  }),
  defaultACLAccess: ZDefaultAccess.default({ publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true }),
};

export const ZSimulateAdHoc = z.strictObject({
  ...POLICY,
  action: z.enum(ACL_ACTIONS, { error: `must be one of ${ACL_ACTIONS.join(", ")}` }),
  topic: z.string({ error: "is required" }),
}).superRefine(actionTopic);

/** A policy to lint; the client is optional. */
export const ZAclPolicy = z.strictObject({ ...POLICY, client: POLICY.client.optional() });

export const ZLintResult = z.object({
  findings: z.array(z.object({
    severity: z.enum(["high", "medium", "low"]),
    code: z.string(),
    message: z.string(),
    why: z.string(),
    fix: z.string(),
    role: z.string().optional(),
    index: z.number().optional(),
  })),
});
export type TSimulateAdHoc = z.infer<typeof ZSimulateAdHoc>;

/** Publish and receive name a topic; subscribe and unsubscribe a filter. */
function actionTopic(v: { action: (typeof ACL_ACTIONS)[number]; topic: string }, ctx: z.RefinementCtx) {
  const problem = v.action === "publish" || v.action === "receive" ? topicNameProblem(v.topic) : topicFilterProblem(v.topic);
  if (problem) ctx.addIssue({ code: "custom", path: ["topic"], message: problem });
}

export const ZSimulateDevice = z.strictObject({
  deviceId: ZUuid,
  action: z.enum(ACL_ACTIONS, { error: `must be one of ${ACL_ACTIONS.join(", ")}` }),
  topic: z.string({ error: "is required" }),
}).superRefine(actionTopic);

export const ZSimulate = z.union([ZSimulateDevice, ZSimulateAdHoc]);

export const ZSimulation = z.object({
  allowed: z.boolean(),
  /** dynsec: Mosquitto's dynamic security plugin (the ad hoc form); acl_file: what the fleet's brokers enforce for a device. */
  model: z.enum(["dynsec", "acl_file"]),
  decidedBy: z.record(z.string(), z.unknown()),
  /** For a stored device: its roles read as the plugin would, naming the role, priority and rule behind the line. */
  roles: z.object({ allowed: z.boolean(), decidedBy: z.record(z.string(), z.unknown()) }).optional(),
});

// Stored roles and groups. Names are what operators' scripts and the brokers' vocabulary use, so routes take them.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ZAclName = ZPlainString("is required")
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(NAME_PATTERN, "may use letters, digits and . _ - only, starting with a letter or digit");

export const MAX_ROLE_RULES = 1_000;

/** A stored rule: as the plugin's, and its topic may hold ${clientId} and ${username}. */
export const ZStoredAclRule = ZAclRule.extend({
  priority: ZStoredPriority.default(0),
  topic: ZRuleTopic.superRefine((t, ctx) => {
    const problem = templateProblem(t);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
});

export const ZRoleInput = z.strictObject({
  name: ZAclName,
  description: ZPlainString().max(500, "must be at most 500 characters").default(""),
  acls: z
    .array(ZStoredAclRule, { error: "must be a list of rules" })
    .superRefine((acls, ctx) => {
      if (acls.length > MAX_ROLE_RULES) ctx.addIssue({ code: "custom", path: [MAX_ROLE_RULES], message: `is one rule too many: a role holds at most ${MAX_ROLE_RULES} rules (this list has ${acls.length})` });
    })
    .default([]),
  forNewDevices: z.boolean({ error: "must be true or false" }).default(false),
});
export type TRoleInput = z.infer<typeof ZRoleInput>;

const uniqueNames = <T>(key: (t: T) => string, field: string) => (items: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(key(item))) ctx.addIssue({ code: "custom", path: [i, field], message: "is given twice" });
    seen.add(key(item));
  });
};

const ZRoleRefs = z.array(ZStoredRoleRef, { error: "must be a list of {rolename, priority}" }).max(100, "must hold at most 100 roles").superRefine(uniqueNames((r) => r.rolename, "rolename"));
const ZGroupRefs = z.array(ZStoredGroupRef, { error: "must be a list of {groupname, priority}" }).max(100, "must hold at most 100 groups").superRefine(uniqueNames((g) => g.groupname, "groupname"));

export const ZGroupInput = z.strictObject({
  name: ZAclName,
  description: ZPlainString().max(500, "must be at most 500 characters").default(""),
  roles: ZRoleRefs.default([]),
});
export type TGroupInput = z.infer<typeof ZGroupInput>;

/** A device's roles and groups, each with its priority. */
export const ZDeviceAccessInput = z.strictObject({ roles: ZRoleRefs.optional(), groups: ZGroupRefs.optional() });

export const ZNameParams = z.strictObject({ name: ZAclName });

export const ZStoredRole = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  acls: z.array(z.object({ acltype: z.enum(ACL_TYPES), topic: z.string(), priority: z.number(), allow: z.boolean() })),
  forNewDevices: z.boolean(),
  /** Devices holding it directly, and groups holding it. */
  deviceCount: z.number(),
  groups: z.array(z.string()),
  updatedAt: z.string(),
});
export type TRoleDto = z.infer<typeof ZStoredRole>;

export const ZStoredGroup = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  roles: z.array(z.object({ rolename: z.string(), priority: z.number() })),
  deviceCount: z.number(),
  updatedAt: z.string(),
});
export type TGroupDto = z.infer<typeof ZStoredGroup>;

export const ZDefaultAccessInput = z.strictObject({
  publishClientSend: z.boolean({ error: "must be true or false" }),
  publishClientReceive: z.boolean({ error: "must be true or false" }),
  subscribe: z.boolean({ error: "must be true or false" }),
  unsubscribe: z.boolean({ error: "must be true or false" }),
});

/** A change to look at before it is saved: the same bodies the saving routes take. */
export const ZAclPreview = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("role"), role: ZRoleInput, previousName: ZAclName.optional() }),
    z.strictObject({ kind: z.literal("deleteRole"), name: ZAclName }),
    z.strictObject({ kind: z.literal("group"), group: ZGroupInput, previousName: ZAclName.optional() }),
    z.strictObject({ kind: z.literal("deleteGroup"), name: ZAclName }),
    z.strictObject({ kind: z.literal("defaults"), defaultACLAccess: ZDefaultAccessInput }),
    z.strictObject({ kind: z.literal("device"), deviceId: ZUuid, access: ZDeviceAccessInput }),
  ],
  { error: 'must name its kind: "role", "deleteRole", "group", "deleteGroup", "defaults" or "device"' },
);
export type TAclPreviewInput = z.infer<typeof ZAclPreview>;

export const ZAclPreviewResult = z.object({
  devicesChanged: z.number(),
  /** The first 200 changed devices: acl_file lines removed and added on every broker. */
  devices: z.array(z.object({ deviceId: z.string(), clientId: z.string(), removed: z.array(z.string()), added: z.array(z.string()), connectedOn: z.array(z.string()) })),
  brokers: z.array(z.object({ brokerId: z.string(), name: z.string(), devicesChanged: z.number(), connectedAffected: z.number().nullable(), sessionsToDisconnect: z.number() })),
  /** Sessions the change closes: none, as brokers apply new ACL lines to connected clients at their next publish or delivery. */
  sessionsToDisconnect: z.number(),
  findings: ZLintResult.shape.findings,
});
export type TAclPreviewResult = z.infer<typeof ZAclPreviewResult>;
