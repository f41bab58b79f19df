import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { certificateExpiry } from "@/lib/server/services/certificates/certificate-expiry";

export const GET = route(API.getCertificateExpiry, () => certificateExpiry());
