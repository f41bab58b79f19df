import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { signingJwks } from "@/lib/server/services/signing/signing-jwks";

export const GET = route(API.getSigningJwks, () => signingJwks());
