import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findFindings } from "@/lib/server/services/security/find-findings";

export const GET = route(API.listFindings, ({ query }) => findFindings(query));
