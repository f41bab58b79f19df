import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getCertificate } from "@/lib/server/services/certificates/find-certificates";

export const GET = route(API.getCertificate, ({ params }) => getCertificate(params.id));
