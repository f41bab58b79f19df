import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findSigningKeys } from "@/lib/server/services/signing/find-signing-keys";
import { issueSigningKey } from "@/lib/server/services/signing/issue-signing-key";

export const GET = route(API.listSigningKeys, ({ params }) => findSigningKeys(params.id));

export const POST = route(API.issueSigningKey, ({ actor, params, body }) => issueSigningKey({ actor, deviceId: params.id, algorithm: body.algorithm, replace: body.replace }));
