"use client";
// The browser's live channel: a short-lived read-only broker credential minted for this page, and one MQTT over
// WebSockets connection per broker through Fleetward's same-origin relay. It follows each broker's agent (the
// retained snapshot of connected clients, then every connect and disconnect as it happens) and $SYS load, and, when
// asked and the role may, the devices' traffic under one filter: per-topic rates and the latest messages.
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { filterMatches } from "@/lib/domain/acl/topics";
import { AGENT_TOPICS } from "@/lib/domain/agent-topics";
import { emptyLoad, LOAD_TOPICS, mergeLoad, readLoadTopic, type TLoadSample, type TLoadValues } from "@/lib/domain/broker-load";
import { applyLogEvent, type TConnectedClient, type TLogEvent } from "@/lib/domain/broker-log";
import { decodeVerdicts, VERDICT_TOPIC_PREFIX, VerdictMatcher, verdictRows, verdictTopic, type TVerdictState } from "@/lib/domain/message-verdicts";
import { PREVIEW_BYTES } from "@/lib/domain/payload-preview";
import { TopicRates, type TTopicRate } from "@/lib/domain/topic-rates";
import type { TLiveCredential } from "@/lib/schemas/live";
import { api } from "@/lib/client/api";

export type TLinkState = "connecting" | "live" | "reconnecting";
export type TLiveBroker = { id: string; name: string; state: TLinkState; lastMessageAt: number | null; attempts: number };
export type TLiveClient = TConnectedClient & { broker: string };
export type TDisconnect = { clientId: string; username: string | null; broker: string; reason: string; at: number };
export type TRefusal = { clientId: string | null; ip: string | null; broker: string; reason: string; at: number };
export type { TLoadSample };
/**
 * One message of the watched traffic: at most PREVIEW_BYTES of its payload are kept. On a verified topic it carries
 * the verifier's verdict once it came ("pending" until then, "none" if it never did); elsewhere `verdict` is null.
 */
export type TInspected = { seq: number; broker: string; topic: string; qos: number; retain: boolean; at: number; size: number; head: Uint8Array; digest: string; verdict: TVerdictState | null };

const fromBase64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const toBase64url = (b: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** The verifier's name for a message: the first 128 bits of its payload's SHA-256, base64url. */
const digestOf = async (payload: Uint8Array) => toBase64url(await crypto.subtle.digest("SHA-256", payload as Uint8Array<ArrayBuffer>)).slice(0, 22);

/** The page's own load samples, one per broker every 5 s (the brokers' $SYS interval). */
const SAMPLE_EVERY_MS = 5_000;

/** Disconnects, refusals and inspected messages kept; older ones are dropped so the page's memory stays bounded. */
const HISTORY = 200;
const MAX_BACKOFF_MS = 10_000;
/** Minted again this long before the credential expires. */
const RENEW_BEFORE_MS = 60_000;
/** With no message from a broker for this long (its agent beats every 5 s), its rows are marked stale. */
export const STALE_AFTER_MS = 15_000;
/** Bursts of events are drawn together, at most this often. */
const DRAW_EVERY_MS = 100;
/** The MQTT 5 subscription identifier of the traffic filter: what it brings counts as traffic (the views read their own topics by name). */
const TRAFFIC_SUBSCRIPTION = 2;

/** The views' own topics a traffic filter does not already bring (each message comes once, not once per subscription). */
const uncovered = (viewTopics: readonly string[], traffic: string | null) => (traffic ? viewTopics.filter((t) => !filterMatches(traffic, t)) : [...viewTopics]);
const views = { qos: 0 } as const;
const watching = { qos: 0, properties: { subscriptionIdentifier: TRAFFIC_SUBSCRIPTION } } as const;

const subscriptionIds = (p: IPublishPacket): number[] => {
  const id = p.properties?.subscriptionIdentifier;
  return id === undefined ? [] : Array.isArray(id) ? id : [id];
};

export type TLiveOptions = { traffic?: string | null };

export function useLiveFleet({ traffic = null }: TLiveOptions = {}) {
  const [brokers, setBrokers] = useState<TLiveBroker[]>([]);
  const [clients, setClients] = useState<TLiveClient[]>([]);
  const [history, setHistory] = useState<TDisconnect[]>([]);
  const [refusals, setRefusals] = useState<TRefusal[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [load, setLoad] = useState<Record<string, TLoadSample[]>>({});
  const [scope, setScope] = useState<string[] | null>(null);
  const [topics, setTopics] = useState<{ rows: TTopicRate[]; evicted: number; messages: TInspected[]; forgedVerdicts: number }>({ rows: [], evicted: 0, messages: [], forgedVerdicts: 0 });
  const tables = useRef(new Map<string, Map<string, TConnectedClient>>());
  const latest = useRef(new Map<string, TLoadValues>());
  /** Each broker's last hour as its agent kept it (30 s samples), and the page's own samples since it opened. */
  const series = useRef(new Map<string, { history: TLoadSample[]; own: TLoadSample[] }>());
  const links = useRef(new Map<string, MqttClient>());
  const viewTopicsOf = useRef(new WeakMap<MqttClient, string[]>());
  const watched = useRef<{ filter: string | null; rates: TopicRates; inspected: TInspected[]; seq: number }>({ filter: null, rates: new TopicRates(), inspected: [], seq: 0 });
  /** Message signing: the verified filters, the keys that authenticate verdicts, and the pairing of both. */
  const signing = useRef({ topics: [] as string[], keys: new Map<string, Promise<CryptoKey>>(), matcher: new VerdictMatcher<TInspected>(), forged: 0 });
  /**
   * The traffic filter each link's broker has answered (SUBACK) for, and the filter every connected link has: only from
   * then on does a message published under it reach this page, so only then does the page say it is watching.
   */
  const trafficGrants = useRef(new WeakMap<MqttClient, string>());
  const [subscribedTo, setSubscribedTo] = useState<string | null>(null);
  const noteGrants = useCallback(() => {
    const f = watched.current.filter;
    const connected = [...links.current.values()].filter((l) => l.connected);
    setSubscribedTo(f !== null && connected.length > 0 && connected.every((l) => trafficGrants.current.get(l) === f) ? f : null);
  }, []);
  const subscribeTraffic = useCallback(
    (link: MqttClient, filter: string) =>
      link.subscribe(filter, watching, (err) => {
        if (err) return;
        trafficGrants.current.set(link, filter);
        noteGrants();
      }),
    [noteGrants],
  );

  useEffect(() => {
    let stopped = false;
    const live = links.current;
    const named = new Map<string, MqttClient>();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (fn: () => void, ms: number) => {
      const t = setTimeout(() => (timers.delete(t), fn()), ms);
      timers.add(t);
    };
    let drawPending = false;
    const drawRows = () => {
      if (drawPending) return;
      drawPending = true;
      later(() => {
        drawPending = false;
        setClients([...tables.current].flatMap(([broker, rows]) => [...rows.values()].map((c) => ({ ...c, broker }))));
      }, DRAW_EVERY_MS);
    };
    const drawLoad = () => {
      const now = Date.now();
      const merged = [...series.current].map(([name, s]) => [name, mergeLoad(s.history, s.own, now)] as const);
      setLoad(Object.fromEntries(merged.filter(([, samples]) => samples.length > 0)));
    };
    const patchBroker = (id: string, patch: Partial<TLiveBroker>) => setBrokers((bs) => bs.map((b) => (b.id === id ? { ...b, ...patch } : b)));
    let previous: string | null = null;

    function connect(credential: TLiveCredential, b: TLiveCredential["brokers"][number], attempt: number) {
      if (stopped) return;
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${b.path}`;
      const link = mqtt.connect(url, { username: credential.username, password: credential.password, clientId: credential.username, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000, clean: true });
      // The link it replaces (a renewed credential) stays until this one is up.
      const before = live.get(b.id);
      live.set(b.id, link);
      named.set(b.name, link);
      const current = (link: MqttClient) => live.get(b.id) === link;
      const topics = { clients: AGENT_TOPICS.clients(b.name), events: AGENT_TOPICS.events(b.name), heartbeat: AGENT_TOPICS.heartbeat(b.name), load: AGENT_TOPICS.load(b.name) };
      const verdicts = verdictTopic(b.name);
      const viewTopics = [topics.clients, topics.events, topics.heartbeat, topics.load, ...Object.keys(LOAD_TOPICS), ...(credential.signing.topics.length ? [verdicts] : [])];
      viewTopicsOf.current.set(link, viewTopics);
      let seenAt = 0;
      const recent = new Set<string>();
      link.on("connect", () => {
        if (before && before !== link) before.end(true);
        patchBroker(b.id, { state: "live", attempts: 0 });
        const filter = watched.current.filter;
        const own = uncovered(viewTopics, filter);
        if (own.length) link.subscribe(own, views);
        if (filter) subscribeTraffic(link, filter);
        noteGrants();
      });
      const load = latest.current.get(b.name) ?? emptyLoad();
      latest.current.set(b.name, load);
      link.on("message", (topic, payload, packet) => {
        if (!current(link)) return;
        const now = Date.now();
        if (now - seenAt > 1_000) patchBroker(b.id, { lastMessageAt: (seenAt = now) });
        if (topic === verdicts) return void takeVerdicts(payload.toString());
        if (topic.startsWith(VERDICT_TOPIC_PREFIX)) return;
        if (subscriptionIds(packet).includes(TRAFFIC_SUBSCRIPTION)) {
          const w = watched.current;
          w.rates.record(topic, b.name, payload.length, now);
          const verified = signing.current.topics.some((f) => filterMatches(f, topic));
          const m: TInspected = { seq: ++w.seq, broker: b.name, topic, qos: packet.qos, retain: packet.retain, at: now, size: payload.length, head: payload.slice(0, PREVIEW_BYTES), digest: "", verdict: verified ? "pending" : null };
          if (verified) void digestOf(payload).then((d) => (m.digest = d, signing.current.matcher.message(m)));
          w.inspected.unshift(m);
          if (w.inspected.length > HISTORY) w.inspected.length = HISTORY;
        }
        // The broker sends a $SYS value only when it changed: the latest stands until then.
        if (topic.startsWith("$SYS/")) return void readLoadTopic(load, topic, payload.toString());
        if (topic !== topics.clients && topic !== topics.events && topic !== topics.load) return;
        let body: unknown;
        try {
          body = JSON.parse(payload.toString());
        } catch {
          return;
        }
        if (topic === topics.load) {
          const s = series.current.get(b.name) ?? { history: [], own: [] };
          s.history = ((body as { samples?: TLoadSample[] }).samples ?? []).filter((x) => Number.isFinite(x?.at));
          series.current.set(b.name, s);
          drawLoad();
        } else if (topic === topics.clients) {
          const rows = new Map<string, TConnectedClient>();
          for (const c of (body as { clients?: TConnectedClient[] }).clients ?? []) rows.set(c.clientId, c);
          tables.current.set(b.name, rows);
          drawRows();
        } else {
          const e = body as TLogEvent & { at: number; seq?: number };
          // While the traffic filter changes, an event may come by both subscriptions for a moment: once is enough.
          const key = `${e.seq}|${e.at}|${e.kind}|${"clientId" in e ? e.clientId : ""}`;
          if (recent.has(key)) return;
          recent.add(key);
          if (recent.size > HISTORY) recent.delete(recent.values().next().value!);
          const rows = tables.current.get(b.name) ?? new Map<string, TConnectedClient>();
          tables.current.set(b.name, rows);
          const username = e.kind === "disconnect" ? (rows.get(e.clientId)?.username ?? null) : null;
          if (applyLogEvent(rows, e, e.at)) drawRows();
          if (e.kind === "refused") setRefusals((r) => [{ clientId: e.clientId, ip: e.ip, broker: b.name, reason: e.reason, at: e.at }, ...r].slice(0, HISTORY));
          if (e.kind === "disconnect") setHistory((h) => [{ clientId: e.clientId, username, broker: b.name, reason: e.reason, at: e.at }, ...h].slice(0, HISTORY));
        }
      });
      // Refused (the credential has not reached this broker yet), dropped or unreachable: try again, backing off.
      link.on("close", () => {
        if (stopped || !current(link)) return;
        patchBroker(b.id, { state: "reconnecting", attempts: attempt + 1 });
        later(() => connect(credential, b, attempt + 1), Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt));
      });
      link.on("error", () => link.end(true));
    }

    /** A batch of verdicts, taken only when its HMAC is good under a key Fleetward gave this page. */
    async function takeVerdicts(text: string) {
      const s = signing.current;
      const d = decodeVerdicts(text);
      const key = d ? s.keys.get(d.keyId) : undefined;
      const ok = d && key && (await crypto.subtle.verify("HMAC", await key, fromBase64url(d.mac), new TextEncoder().encode(d.json)).catch(() => false));
      if (!ok) return void s.forged++;
      const now = Date.now();
      for (const row of verdictRows(d.json)) s.matcher.verdict(row, now);
    }

    async function start() {
      try {
        const credential = await api<TLiveCredential>("POST", "/api/v1/live/credentials", previous ? { replaces: previous } : {});
        if (stopped) return;
        previous = credential.username;
        signing.current.topics = credential.signing.topics.map((t) => t.filter);
        signing.current.keys = new Map(credential.signing.verdictKeys.map((k) => [k.id, crypto.subtle.importKey("raw", fromBase64url(k.key), { name: "HMAC", hash: "SHA-256" }, false, ["verify"])]));
        setError(null);
        setScope(credential.traffic);
        setBrokers((old) => credential.brokers.map((b) => old.find((o) => o.id === b.id) ?? { id: b.id, name: b.name, state: "connecting", lastMessageAt: null, attempts: 0 }));
        for (const b of credential.brokers) connect(credential, b, 0);
        later(start, Math.max(10_000, new Date(credential.expiresAt).getTime() - Date.now() - RENEW_BEFORE_MS));
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        later(start, MAX_BACKOFF_MS);
      }
    }
    void start();
    // One sample per broker every 5 s while its link is up, after the hour its agent kept.
    const sampler = setInterval(() => {
      const at = Date.now();
      for (const [name, values] of latest.current) {
        if (!named.get(name)?.connected) continue;
        const s = series.current.get(name) ?? { history: [], own: [] };
        s.own = mergeLoad([], [...s.own, { at, ...values }], at);
        series.current.set(name, s);
      }
      drawLoad();
    }, SAMPLE_EVERY_MS);
    // The watched traffic is drawn twice a second, whatever its rate.
    const drawTraffic = setInterval(() => {
      const w = watched.current;
      const now = Date.now();
      signing.current.matcher.expire(now);
      if (w.filter) setTopics({ rows: w.rates.rows(now), evicted: w.rates.evicted, messages: w.inspected.map((m) => ({ ...m })), forgedVerdicts: signing.current.forged });
    }, 500);
    return () => {
      clearInterval(sampler);
      clearInterval(drawTraffic);
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const l of live.values()) l.end(true);
      live.clear();
    };
  }, [noteGrants, subscribeTraffic]);

  // The traffic filter follows the page: a new one replaces the old on every connected link, and starts afresh.
  const allowed = traffic !== null && (scope?.length ?? 0) > 0 ? traffic : null;
  useEffect(() => {
    const w = watched.current;
    if (w.filter === allowed) return;
    for (const link of links.current.values()) {
      const viewTopics = viewTopicsOf.current.get(link);
      if (!link.connected || !viewTopics) continue;
      // The new subscriptions first, then the old ones go: the views miss nothing meanwhile.
      const before = uncovered(viewTopics, w.filter);
      const after = uncovered(viewTopics, allowed);
      if (allowed) subscribeTraffic(link, allowed);
      const gained = after.filter((t) => !before.includes(t));
      if (gained.length) link.subscribe(gained, views);
      if (w.filter) link.unsubscribe(w.filter);
      const lost = before.filter((t) => !after.includes(t));
      if (lost.length) link.unsubscribe(lost);
    }
    w.filter = allowed;
    noteGrants();
    w.rates.clear();
    w.inspected = [];
    signing.current.matcher.clear();
    setTopics({ rows: [], evicted: 0, messages: [], forgedVerdicts: signing.current.forged });
  }, [allowed, noteGrants, subscribeTraffic]);

  // Stable between draws, so the views that show it re-render only when it changed.
  const subscribed = allowed !== null && subscribedTo === allowed;
  const watchedTraffic = useMemo(() => ({ filter: allowed, subscribed, ...topics }), [allowed, subscribed, topics]);
  return { brokers, clients, history, refusals, error, load, scope, traffic: watchedTraffic };
}
