import { z } from "zod";
import { topicFilterProblem, topicNameProblem } from "@/lib/domain/acl/topics";
import { ZUuid } from "./common";

// The broker's own vocabulary (Mosquitto's dynamic security plugin), as the ad hoc simulator takes it.
export const ACL_TYPES = ["publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern", "unsubscribeLiteral", "unsubscribePattern"] as const;
export const ACL_ACTIONS = ["publish", "subscribe", "receive", "unsubscribe"] as const;

const ZName = (what: string) => z.string({ error: "is required" }).min(1, "is required").max(200, `must be at most 200 characters for a ${what}`);
const ZPriority = z.number({ error: "must be a whole number" }).int("must be a whole number").min(-1_000_000, "must be at least -1000000").max(1_000_000, "must be at most 1000000");

/** Every rule type takes a topic filter: wildcards are patterns in publish and pattern rules, literal text in literal ones. */
const ZRuleTopic = z.string({ error: "is required" }).superRefine((t, ctx) => {
  const problem = topicFilterProblem(t);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const ZAclRule = z.strictObject({
  acltype: z.enum(ACL_TYPES, { error: `must be one of ${ACL_TYPES.join(", ")}` }),
  topic: ZRuleTopic,
  priority: ZPriority.default(0),
  allow: z.boolean({ error: "must be true or false" }).default(false),
});

export const ZAclRole = z.strictObject({
  rolename: ZName("role"),
  acls: z.array(ZAclRule, { error: "must be a list of rules" }).max(1_000, "must hold at most 1000 rules").default([]),
});

const ZRoleRef = z.strictObject({ rolename: ZName("role"), priority: ZPriority.default(-1) });
const ZGroupRef = z.strictObject({ groupname: ZName("group"), priority: ZPriority.default(-1) });

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
  groups: z.array(z.strictObject({ groupname: ZName("group"), roles: z.array(ZRoleRef).max(1_000).default([]) })).max(1_000, "must hold at most 1000 groups").default([]),
  client: z.strictObject({
    username: ZName("username"),
    clientid: z.string().max(65_535).default(""),
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
});
