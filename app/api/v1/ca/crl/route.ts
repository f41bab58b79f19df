import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { currentCrls } from "@/lib/server/services/fleet/current-crl";

// A CRL is public by design: relying parties must be able to fetch it without credentials.
export const GET = route(API.getCrl, async () =>
  new Response(await currentCrls(), { headers: { "content-type": "application/pkix-crl; charset=us-ascii", "cache-control": "no-cache" } }),
);
