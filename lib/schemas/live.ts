import { z } from "zod";
import { reservedNameProblem } from "@/lib/domain/reserved-names";
import { ZPlainString } from "./common";

export const ZLiveMint = z.strictObject({
  /** The caller's credential this one takes over from (the page renewing its own); it is removed. */
  replaces: ZPlainString("must be a live username").max(64, "is too long").optional(),
});

export const ZLiveCredential = z.object({
  username: z.string(),
  /** Shown once; the broker holds only its hash. */
  password: z.string(),
  expiresAt: z.string(),
  /** The desired-state revision that carries it to the brokers. */
  revision: z.string(),
  /** What the traffic views may subscribe to besides $SYS and the agents' topics (nothing for an auditor). */
  traffic: z.array(z.string()),
  /** Where the browser reaches each broker's MQTT over WebSockets: Fleetward's own relay, same origin. */
  brokers: z.array(z.object({ id: z.string(), name: z.string(), path: z.string() })),
  /** Message signing, for the inspector (roles that may inspect traffic; empty otherwise): the verified topic filters,
   * and the keys that authenticate the verifier's verdicts (today's and tomorrow's). */
  signing: z.object({ topics: z.array(z.object({ filter: z.string(), signedOnly: z.boolean() })), verdictKeys: z.array(z.object({ id: z.string(), key: z.string() })) }),
});
export type TLiveCredential = z.infer<typeof ZLiveCredential>;

/** What the relay needs to reach a broker's live listener. */
export const ZLiveEndpoint = z.object({ host: z.string(), port: z.number(), caPem: z.string() });

export const ZDeviceLookup = z.strictObject({
  clientIds: z.array(ZPlainString().max(65_535, "is too long"), { error: "must be a list of client ids" }).max(1_000, "must hold at most 1000 client ids"),
});
export const ZDeviceLookupResult = z.object({ devices: z.array(z.object({ id: z.string(), clientId: z.string(), name: z.string().nullable() })) });

export const ZLiveDisconnect = z.strictObject({
  // Fleetward's own connections are not disconnected from here: a kick takes over the client id, so kicking an agent
  // would leave its broker unmanaged.
  clientId: ZPlainString("is required")
    .min(1, "is required")
    .max(65_535, "is too long")
    .superRefine((s, ctx) => {
      const problem = reservedNameProblem(s);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});
