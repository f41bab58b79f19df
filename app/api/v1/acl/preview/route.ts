import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { previewAclChange } from "@/lib/server/services/acl/preview-acl-change";

export const POST = route(API.previewAcl, ({ body }) => previewAclChange(body));
