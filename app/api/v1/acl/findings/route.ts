import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findAclFindings } from "@/lib/server/services/acl/find-acl-findings";

export const GET = route(API.listAclFindings, () => findAclFindings());
