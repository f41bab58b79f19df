"use client";
import { Fragment, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { TAuditEvent } from "@/lib/schemas/audit";

const tone = (action: string) =>
  /failed|refused/.test(action) ? "danger" : /revoke|disable|reset|ended/.test(action) ? "warn" : "neutral";

export const formatTime = (iso: string) => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });

/** Audit events; a row opens to show its details and its place in the hash chain. */
export function AuditTable({ events }: { events: readonly TAuditEvent[] }) {
  const [open, setOpen] = useState<string | null>(null);
  if (events.length === 0) return <p className="px-4 py-6 text-center text-muted">No audit events match.</p>;
  return (
    <Table>
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Target</Th>
          <Th>IP</Th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <Fragment key={e.id}>
            <tr
              tabIndex={0}
              aria-expanded={open === e.id}
              className="cursor-pointer hover:bg-gray-50"
              onClick={() => setOpen(open === e.id ? null : e.id)}
              onKeyDown={(k) => (k.key === "Enter" || k.key === " ") && (k.preventDefault(), setOpen(open === e.id ? null : e.id))}
            >
              <Td className="whitespace-nowrap text-muted">{formatTime(e.at)}</Td>
              <Td>
                {e.actorLabel} <span className="text-xs text-muted">({e.actorType})</span>
              </Td>
              <Td>
                <Badge tone={tone(e.action)}>{e.action}</Badge>
              </Td>
              <Td className="text-muted">{e.targetType ? `${e.targetType} ${e.targetId?.slice(0, 8) ?? ""}` : "—"}</Td>
              <Td className="font-mono text-xs text-muted">{e.ip ?? "—"}</Td>
            </tr>
            {open === e.id ? (
              <tr>
                <Td colSpan={5} className="bg-gray-50">
                  <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-xs">
                    <dt className="text-muted">Event</dt>
                    <dd>#{e.id}</dd>
                    <dt className="text-muted">User agent</dt>
                    <dd className="break-all">{e.userAgent ?? "—"}</dd>
                    <dt className="text-muted">Target id</dt>
                    <dd className="font-mono">{e.targetId ?? "—"}</dd>
                    <dt className="text-muted">Details</dt>
                    <dd>
                      <pre className="whitespace-pre-wrap break-all font-mono">{JSON.stringify(e.details, null, 2)}</pre>
                    </dd>
                    <dt className="text-muted">Hash</dt>
                    <dd className="break-all font-mono">{e.hash}</dd>
                    <dt className="text-muted">Previous hash</dt>
                    <dd className="break-all font-mono">{e.prevHash}</dd>
                  </dl>
                </Td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </Table>
  );
}
