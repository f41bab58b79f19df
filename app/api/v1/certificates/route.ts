import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findCertificates } from "@/lib/server/services/certificates/find-certificates";

export const GET = route(API.listCertificates, ({ query }) => findCertificates(query));
