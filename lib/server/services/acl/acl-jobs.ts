// What the ACL evaluation threads are asked and answer (acl-pool.ts sends, acl-worker.ts runs).
import type { TAction, TDecision, TDynsecPolicy } from "@/lib/domain/acl/dynsec";
import type { TFinding, TLintPolicy } from "@/lib/domain/acl/lint";

export type TAclJob = { kind: "lint"; policy: TLintPolicy } | { kind: "decide"; policy: TDynsecPolicy; action: TAction; topic: string };

export type TAclJobResult<J extends TAclJob> = J extends { kind: "lint" } ? TFinding[] : TDecision;

export type TAclJobReply = { id: number; ok: true; result: TFinding[] | TDecision } | { id: number; ok: false; error: string };
