"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Dialog } from "@/components/ui/dialog";
import { Table, Td, Th } from "@/components/ui/table";
import { detailsDiff, otherDetails } from "@/lib/domain/audit-diff";
import type { TAuditEvent } from "@/lib/schemas/audit";

const tone = (action: string) =>
  /failed|refused/.test(action) ? "danger" : /revoke|disable|reset|ended/.test(action) ? "warn" : "neutral";

/**
 * Who acted. An anonymous caller has no name: what they typed (an e-mail, or the claims of a refused single
 * sign-on) is shown apart, quoted, so it never reads as an actor.
 */
function Actor({ e, full }: { e: TAuditEvent; full?: boolean }) {
  const d = e.details as { email?: unknown; claims?: { email?: unknown } } | null;
  const typed = e.actorType === "anonymous" ? (d?.email ?? d?.claims?.email) : undefined;
  return (
    <>
      {e.actorLabel} <span className="text-xs text-muted">({e.actorType}{full && e.actorId ? ` ${e.actorId}` : ""})</span>
      {typeof typed === "string" && typed ? (
        <span className="block text-xs text-muted" data-testid="typed-identity">
          typed “<span className="font-mono">{typed}</span>”
        </span>
      ) : null}
    </>
  );
}

export const formatTime = (iso: string) => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });

/** One event: who, what, where from, the change as a before/after diff, and its place in the hash chain. */
function EventDetail({ e }: { e: TAuditEvent }) {
  const diff = detailsDiff(e.details);
  const other = otherDetails(e.details);
  return (
    <div className="space-y-4 text-sm" data-testid="audit-detail">
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
        <dt className="text-muted">Time</dt>
        <dd>{formatTime(e.at)}</dd>
        <dt className="text-muted">Actor</dt>
        <dd><Actor e={e} full /></dd>
        <dt className="text-muted">Action</dt>
        <dd><Badge tone={tone(e.action)}>{e.action}</Badge></dd>
        <dt className="text-muted">Target</dt>
        <dd className="break-all">{e.targetType ?? "—"} <span className="font-mono text-xs">{e.targetId ?? ""}</span></dd>
        <dt className="text-muted">From</dt>
        <dd className="font-mono text-xs">{e.ip ?? "—"}</dd>
        <dt className="text-muted">User agent</dt>
        <dd className="break-all text-xs">{e.userAgent ?? "—"}</dd>
      </dl>
      {diff ? (
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase text-muted">Change</h3>
          <Table data-testid="audit-diff">
            <thead><tr><Th>Field</Th><Th>Before</Th><Th>After</Th></tr></thead>
            <tbody>
              {diff.map((r) => (
                <tr key={r.path} className={r.changed ? "bg-amber-50" : ""} data-changed={r.changed}>
                  <Td className="font-mono text-xs">{r.path}</Td>
                  <Td className="font-mono text-xs break-all">{r.before ?? <span className="text-muted">—</span>}</Td>
                  <Td className="font-mono text-xs break-all">{r.after ?? <span className="text-muted">—</span>}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      ) : null}
      {other.length ? (
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase text-muted">Details</h3>
          <dl className="grid grid-cols-[10rem_1fr] gap-x-3 gap-y-1 font-mono text-xs">
            {other.map(([k, v]) => (
              <div key={k} className="contents"><dt className="text-muted">{k}</dt><dd className="break-all">{v}</dd></div>
            ))}
          </dl>
        </div>
      ) : null}
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-xs">
        <dt className="text-muted">Event</dt>
        <dd>#{e.id}</dd>
        <dt className="text-muted">Hash</dt>
        <dd className="break-all font-mono">{e.hash}</dd>
        <dt className="text-muted">Previous hash</dt>
        <dd className="break-all font-mono">{e.prevHash}</dd>
        <dt className="text-muted">MAC</dt>
        <dd className="break-all font-mono">{e.mac ? `${e.mac} (audit key ${e.keyId})` : "none: written before the chain was keyed"}</dd>
      </dl>
    </div>
  );
}

/** Audit events; a row opens a drawer with the event in full. */
export function AuditTable({ events }: { events: readonly TAuditEvent[] }) {
  const [open, setOpen] = useState<TAuditEvent | null>(null);
  if (events.length === 0) return <p className="px-4 py-6 text-center text-muted">No audit events match.</p>;
  return (
    <>
      <Table data-testid="audit-events">
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
            <tr
              key={e.id}
              tabIndex={0}
              className="cursor-pointer hover:bg-gray-50"
              onClick={() => setOpen(e)}
              onKeyDown={(k) => (k.key === "Enter" || k.key === " ") && (k.preventDefault(), setOpen(e))}
              data-event={e.id}
            >
              <Td className="whitespace-nowrap text-muted">{formatTime(e.at)}</Td>
              <Td>
                <Actor e={e} />
              </Td>
              <Td>
                <Badge tone={tone(e.action)}>{e.action}</Badge>
              </Td>
              <Td className="text-muted">{e.targetType ? `${e.targetType} ${e.targetId?.slice(0, 8) ?? ""}` : "—"}</Td>
              <Td className="font-mono text-xs text-muted">{e.ip ?? "—"}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Dialog open={open !== null} onOpenChange={(o) => !o && setOpen(null)} title={open ? `Audit event #${open.id}` : ""} description={open ? open.action : undefined} side wide>
        {open ? <EventDetail e={open} /> : null}
      </Dialog>
    </>
  );
}
