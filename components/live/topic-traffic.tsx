"use client";
import { useMutation } from "@tanstack/react-query";
import { memo, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { topicFilterProblem } from "@/lib/domain/acl/topics";
import { api } from "@/lib/client/api";
import { encryptedKeyId } from "@/lib/domain/message-encryption";
import { readEnvelope } from "@/lib/domain/message-signing";
import type { TDecrypted } from "@/lib/schemas/signing";
import { previewPayload } from "@/lib/domain/payload-preview";
import type { TTopicRate } from "@/lib/domain/topic-rates";
import type { TInspected } from "@/lib/live/use-live-fleet";
import { bytes, rate } from "./traffic-card";
import { VerdictBadge } from "./verdict-badge";

/** Rows of the per-topic table drawn at once (the busiest); the rest are counted. */
const SHOWN_TOPICS = 100;

const time = (ms: number) => new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3 });

/** `subscribed`: every connected broker has acknowledged the filter (until then a message under it may not come). */
type TTraffic = { filter: string | null; subscribed: boolean; rows: TTopicRate[]; evicted: number; messages: TInspected[]; forgedVerdicts: number };

/** The claims of a signed envelope (the JWS text itself is unreadable). */
function Claims({ payload }: { payload: Uint8Array | string }) {
  const env = readEnvelope(payload);
  return env?.claims ? <pre className="max-h-40 overflow-auto rounded bg-gray-50 p-2 font-mono text-xs whitespace-pre-wrap break-all" data-testid="claims">{JSON.stringify(env.claims, null, 2)}</pre> : null;
}

/** The verifier's word on a message, and what its signed envelope says. */
function Signature({ m }: { m: TInspected }) {
  if (m.verdict === null) return null;
  const v = typeof m.verdict === "string" ? null : m.verdict;
  return (
    <div className="space-y-1 text-xs" data-testid="signature">
      <p>
        Signature: <VerdictBadge verdict={m.verdict} />
        {v?.r ? <span className="ml-1 text-danger">{v.r}</span> : null}
        {v?.d ? <span className="ml-1 text-muted">device {v.d}{v.k ? `, key ${v.k}` : ""}{v.c !== null ? `, counter ${v.c}` : ""}</span> : null}
      </p>
      {m.size === m.head.length ? <Claims payload={m.head} /> : null}
    </div>
  );
}

/** An encrypted payload: decrypted on request for a role that may (audited), or said why not. */
function Decryption({ m, kid, canDecrypt }: { m: TInspected; kid: string; canDecrypt: boolean }) {
  const open = useMutation({ mutationFn: () => api<TDecrypted>("POST", "/api/v1/live/decrypt", { topic: m.topic, payload: new TextDecoder().decode(m.head) }) });
  const whole = m.size === m.head.length;
  return (
    <div className="space-y-1 text-xs" data-testid="decryption">
      <p>
        <Badge tone="info">encrypted</Badge> with content key <code className="font-mono">{kid}</code>: the brokers carry only ciphertext.{" "}
        {!canDecrypt ? <span data-testid="decrypt-refused">Your role may not decrypt payloads (admins may).</span> : !whole ? <span>Larger than the inspector keeps: it cannot be decrypted here.</span> : null}
      </p>
      {canDecrypt && whole && !open.data ? <Button size="sm" variant="secondary" onClick={() => open.mutate()} disabled={open.isPending}>{open.isPending ? "Decrypting…" : "Decrypt (audited)"}</Button> : null}
      {open.error ? <p role="alert" className="text-danger">{open.error.message}</p> : null}
      {open.data ? (
        <div className="space-y-1" data-testid="decrypted">
          <p className="text-muted">Decrypted ({open.data.text === null ? "binary" : "text"}):</p>
          {open.data.text !== null && readEnvelope(open.data.text) ? <Claims payload={open.data.text} /> : <pre className="max-h-40 overflow-auto rounded bg-gray-50 p-2 font-mono whitespace-pre-wrap break-all">{open.data.text ?? open.data.base64}</pre>}
        </div>
      ) : null}
    </div>
  );
}

/** The filter the traffic views watch, checked as the broker would before it is subscribed to. */
function WatchForm({ filter, onWatch }: { filter: string | null; onWatch: (f: string | null) => void }) {
  const [problem, setProblem] = useState<string | undefined>();
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget).get("filter") ?? "");
    const p = value === "" ? "is required" : topicFilterProblem(value);
    setProblem(p ?? undefined);
    if (!p) onWatch(value);
  }
  return (
    <form onSubmit={submit} className="flex items-end gap-2 border-b border-line p-3" noValidate>
      <div className="w-full max-w-md">
        <Field label="Topic filter" error={problem} hint="An MQTT filter: + for one level, # for the rest; # is everything the brokers deliver to your role.">
          {(p) => <Input {...p} name="filter" defaultValue={filter ?? "#"} className="font-mono" />}
        </Field>
      </div>
      <Button type="submit" size="sm">Watch</Button>
      {filter ? <Button type="button" size="sm" variant="secondary" onClick={() => onWatch(null)}>Stop watching</Button> : null}
    </form>
  );
}

function Preview({ m, canDecrypt }: { m: TInspected; canDecrypt: boolean }) {
  const p = previewPayload(m.head, m.head.length);
  const kid = encryptedKeyId(m.head);
  const cut = m.size > m.head.length;
  return (
    <div className="space-y-1 p-3" data-testid="inspected-payload">
      <p className="text-xs text-muted">
        <Badge>{p.kind === "json" ? "JSON" : p.kind}</Badge> {m.topic} on {m.broker}, QoS {m.qos}{m.retain ? ", retained" : ""}, {m.size} bytes{cut || p.truncated ? `, first ${m.head.length} shown` : ""}
      </p>
      {kid ? <Decryption key={m.seq} m={m} kid={kid} canDecrypt={canDecrypt} /> : null}
      <Signature m={m} />
      <pre className="max-h-64 overflow-auto rounded bg-gray-50 p-2 font-mono text-xs whitespace-pre-wrap break-all">{p.kind === "empty" ? "(empty payload)" : p.text}</pre>
    </div>
  );
}

/**
 * Per-topic message rates and the latest messages under one filter, as the brokers deliver them to this page. Drawn
 * only when they change (twice a second at most), not with every connection event.
 */
export const TopicTraffic = memo(function TopicTraffic({ scope, traffic, onWatch, canDecrypt }: { scope: string[] | null; traffic: TTraffic; onWatch: (f: string | null) => void; canDecrypt: boolean }) {
  const [paused, setPaused] = useState<TInspected[] | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  if (scope !== null && scope.length === 0) {
    return (
      <Card>
        <CardHeader title="Traffic by topic" />
        <p className="p-4 text-sm text-muted">Your role sees the brokers&apos; counters and connections, not the devices&apos; messages.</p>
      </Card>
    );
  }
  const messages = paused ?? traffic.messages;
  const selected = messages.find((m) => m.seq === chosen) ?? null;
  const hidden = traffic.rows.length - SHOWN_TOPICS;
  return (
    <>
      <Card>
        <CardHeader
          title="Traffic by topic"
          description={`Messages per second over the last 10 s, per topic, as the brokers deliver them under the filter. At most 500 topics are followed at once${traffic.evicted ? ` (${traffic.evicted} quiet ones made room so far)` : ""}.`}
        />
        <WatchForm filter={traffic.filter} onWatch={(f) => (setPaused(null), setChosen(null), onWatch(f))} />
        <div className="max-h-[40vh] overflow-auto">
          <Table data-testid="topic-rates">
            <thead className="sticky top-0 bg-panel"><tr><Th>Topic</Th><Th>Brokers</Th><Th>Messages/s</Th><Th>Messages</Th><Th>Bytes</Th><Th>Last</Th></tr></thead>
            <tbody>
              {traffic.rows.slice(0, SHOWN_TOPICS).map((r) => (
                <tr key={r.topic} data-topic={r.topic}>
                  <Td className="font-mono text-xs break-all">{r.topic}</Td><Td>{r.brokers.join(", ")}</Td><Td data-metric="rate">{rate(r.perSecond)}</Td><Td data-metric="messages">{r.messages}</Td><Td>{bytes(r.bytes)}</Td><Td>{time(r.lastAt)}</Td>
                </tr>
              ))}
              {hidden > 0 ? <tr><Td colSpan={6} className="text-center text-muted">and {hidden} quieter topics</Td></tr> : null}
              {traffic.rows.length === 0 ? <tr><Td colSpan={6} className="py-6 text-center text-muted">{!traffic.filter ? "Not watching: choose a filter." : traffic.subscribed ? `No message under ${traffic.filter} yet.` : `Subscribing to ${traffic.filter} on the brokers…`}</Td></tr> : null}
            </tbody>
          </Table>
        </div>
      </Card>
      <Card>
        <CardHeader
          title="Message inspector"
          description="The latest 200 messages under the filter; choose one to see its payload (text, JSON or hex, up to 4 KiB). On the topics Security > Message signing names, each message's signature as Fleetward's verifier judged it."
          actions={<Button size="sm" variant="secondary" onClick={() => setPaused(paused ? null : traffic.messages)} disabled={!traffic.filter}>{paused ? "Resume" : "Pause"}</Button>}
        />
        {traffic.forgedVerdicts ? <p role="alert" className="border-b border-line px-4 py-2 text-xs text-danger">{traffic.forgedVerdicts} verdict batch(es) failed authentication and were ignored: something other than Fleetward publishes on fleetward/verdicts/.</p> : null}
        <div className="grid gap-0 lg:grid-cols-2">
          <div className="max-h-[40vh] overflow-auto border-line lg:border-r">
            <Table data-testid="inspector">
              <thead className="sticky top-0 bg-panel"><tr><Th>Time</Th><Th>Topic</Th><Th>Broker</Th><Th>QoS</Th><Th>Size</Th><Th>Signature</Th></tr></thead>
              <tbody>
                {messages.map((m) => (
                  <tr key={m.seq} onClick={() => setChosen(m.seq)} className={m.seq === chosen ? "cursor-pointer bg-blue-50" : "cursor-pointer hover:bg-gray-50"} data-seq={m.seq}>
                    <Td className="whitespace-nowrap">{time(m.at)}</Td>
                    <Td className="font-mono text-xs break-all">{m.topic}{m.retain ? <Badge className="ml-1">retained</Badge> : null}{encryptedKeyId(m.head) ? <Badge tone="info" className="ml-1">encrypted</Badge> : null}</Td>
                    <Td>{m.broker}</Td><Td>{m.qos}</Td><Td>{m.size} B</Td><Td><VerdictBadge verdict={m.verdict} /></Td>
                  </tr>
                ))}
                {messages.length === 0 ? <tr><Td colSpan={6} className="py-6 text-center text-muted">{paused ? "Paused with no message." : "No message yet."}</Td></tr> : null}
              </tbody>
            </Table>
          </div>
          {selected ? <Preview key={selected.seq} m={selected} canDecrypt={canDecrypt} /> : <p className="p-4 text-sm text-muted">Choose a message to see its payload.</p>}
        </div>
      </Card>
    </>
  );
});
