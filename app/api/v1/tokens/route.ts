import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { createToken } from "@/lib/server/services/tokens/create-token";
import { findTokens } from "@/lib/server/services/tokens/find-tokens";

export const GET = route(API.listTokens, () => findTokens());

export const POST = route(API.createToken, ({ actor, body }) => createToken({ actor, input: body }));
