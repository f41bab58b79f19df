import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findContentKeys } from "@/lib/server/services/signing/find-content-keys";
import { issueContentKey } from "@/lib/server/services/signing/issue-content-key";

export const GET = route(API.listContentKeys, () => findContentKeys());

export const POST = route(API.issueContentKey, ({ actor, body }) => issueContentKey({ actor, input: body }));
