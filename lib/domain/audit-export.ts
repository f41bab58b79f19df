// Audit events as CSV rows and JSON Lines, for exporting a filtered range. Pure.
import type { TAuditEventContent } from "./audit-hash";

export type TExportedEvent = Omit<TAuditEventContent, "at"> & { id: string; at: string; prevHash: string; hash: string; keyId: string | null; mac: string | null };

/** Every stored field, so a holder of the audit key can verify an export by itself. */
export const EXPORT_COLUMNS = ["id", "at", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash", "keyId", "mac"] as const;

/**
 * One CSV field (RFC 4180). A value a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a
 * leading apostrophe: an exported log must not execute what an attacker put in a device name.
 */
export function csvField(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const csvHeader = () => `${EXPORT_COLUMNS.join(",")}\r\n`;

export function csvRow(e: TExportedEvent): string {
  return `${EXPORT_COLUMNS.map((c) => csvField(c === "details" ? JSON.stringify(e.details ?? null) : e[c])).join(",")}\r\n`;
}

export const jsonLine = (e: TExportedEvent) => `${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, e[c]])))}\n`;
