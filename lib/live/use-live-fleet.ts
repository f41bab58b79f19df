"use client";
// The browser's live channel: a short-lived read-only broker credential minted for this session, and one MQTT over
// WebSockets connection per broker through Fleetward's same-origin relay. It follows each broker's agent: the
// retained snapshot of connected clients, then every connect and disconnect as it happens.
import mqtt, { type MqttClient } from "mqtt";
import { useEffect, useRef, useState } from "react";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { applyLogEvent, type TConnectedClient, type TLogEvent } from "@/lib/domain/broker-log";
import type { TLiveCredential } from "@/lib/schemas/live";
import { api } from "@/lib/client/api";

export type TLinkState = "connecting" | "live" | "reconnecting";
export type TLiveBroker = { id: string; name: string; state: TLinkState; lastMessageAt: number | null; attempts: number };
export type TLiveClient = TConnectedClient & { broker: string };
export type TDisconnect = { clientId: string; username: string | null; broker: string; reason: string; at: number };
export type TRefusal = { clientId: string | null; ip: string | null; broker: string; reason: string; at: number };
/** One $SYS sample of a broker: messages and bytes per second in and out (1-minute averages), connected clients. */
export type TLoadSample = { at: number; msgIn: number; msgOut: number; bytesIn: number; bytesOut: number; clients: number };

/** Samples kept per broker: an hour at the brokers' 5 s $SYS interval. */
const SERIES = 720;
const LOAD_TOPICS = {
  "$SYS/broker/load/messages/received/1min": "msgIn",
  "$SYS/broker/load/messages/sent/1min": "msgOut",
  "$SYS/broker/load/bytes/received/1min": "bytesIn",
  "$SYS/broker/load/bytes/sent/1min": "bytesOut",
  "$SYS/broker/clients/connected": "clients",
} as const satisfies Record<string, keyof Omit<TLoadSample, "at">>;

/** Disconnects kept for the history; older ones are dropped so the page's memory stays bounded. */
const HISTORY = 200;
const MAX_BACKOFF_MS = 10_000;
/** Minted again this long before the credential expires. */
const RENEW_BEFORE_MS = 60_000;
/** With no message from a broker for this long (its agent beats every 5 s), its rows are marked stale. */
export const STALE_AFTER_MS = 15_000;

export function useLiveFleet() {
  const [brokers, setBrokers] = useState<TLiveBroker[]>([]);
  const [clients, setClients] = useState<TLiveClient[]>([]);
  const [history, setHistory] = useState<TDisconnect[]>([]);
  const [refusals, setRefusals] = useState<TRefusal[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [load, setLoad] = useState<Record<string, TLoadSample[]>>({});
  const tables = useRef(new Map<string, Map<string, TConnectedClient>>());
  const latest = useRef(new Map<string, Omit<TLoadSample, "at">>());

  useEffect(() => {
    let stopped = false;
    const links = new Map<string, MqttClient>();
    const named = new Map<string, MqttClient>();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (fn: () => void, ms: number) => {
      const t = setTimeout(() => (timers.delete(t), fn()), ms);
      timers.add(t);
    };
    const publishRows = () => setClients([...tables.current].flatMap(([broker, rows]) => [...rows.values()].map((c) => ({ ...c, broker }))));
    const patchBroker = (id: string, patch: Partial<TLiveBroker>) => setBrokers((bs) => bs.map((b) => (b.id === id ? { ...b, ...patch } : b)));

    function connect(credential: TLiveCredential, b: TLiveCredential["brokers"][number], attempt: number) {
      if (stopped) return;
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${b.path}`;
      const link = mqtt.connect(url, { username: credential.username, password: credential.password, clientId: credential.username, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000, clean: true });
      links.get(b.id)?.end(true);
      links.set(b.id, link);
      named.set(b.name, link);
      const topics = { clients: AGENT_TOPICS.clients(b.name), events: AGENT_TOPICS.events(b.name), heartbeat: AGENT_TOPICS.heartbeat(b.name) };
      link.on("connect", () => {
        patchBroker(b.id, { state: "live", attempts: 0 });
        link.subscribe([topics.clients, topics.events, topics.heartbeat, ...Object.keys(LOAD_TOPICS)], { qos: 0 });
      });
      const current = latest.current.get(b.name) ?? { msgIn: 0, msgOut: 0, bytesIn: 0, bytesOut: 0, clients: 0 };
      latest.current.set(b.name, current);
      link.on("message", (topic, payload) => {
        patchBroker(b.id, { lastMessageAt: Date.now() });
        const key = (LOAD_TOPICS as Record<string, keyof typeof current>)[topic];
        if (key) {
          // $SYS load topics are per-minute averages, shown per second; the broker sends a value only when it changed.
          const value = Number(payload.toString());
          current[key] = key === "clients" ? value : value / 60;
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(payload.toString());
        } catch {
          return;
        }
        if (topic === topics.clients) {
          const rows = new Map<string, TConnectedClient>();
          for (const c of (body as { clients?: TConnectedClient[] }).clients ?? []) rows.set(c.clientId, c);
          tables.current.set(b.name, rows);
          publishRows();
        } else if (topic === topics.events) {
          const e = body as TLogEvent & { at: number };
          const rows = tables.current.get(b.name) ?? new Map<string, TConnectedClient>();
          tables.current.set(b.name, rows);
          const username = e.kind === "disconnect" ? (rows.get(e.clientId)?.username ?? null) : null;
          if (applyLogEvent(rows, e, e.at)) publishRows();
          if (e.kind === "refused") setRefusals((r) => [{ clientId: e.clientId, ip: e.ip, broker: b.name, reason: e.reason, at: e.at }, ...r].slice(0, HISTORY));
          if (e.kind === "disconnect") setHistory((h) => [{ clientId: e.clientId, username, broker: b.name, reason: e.reason, at: e.at }, ...h].slice(0, HISTORY));
        }
      });
      // Refused (the credential has not reached this broker yet), dropped or unreachable: try again, backing off.
      link.on("close", () => {
        if (stopped || links.get(b.id) !== link) return;
        patchBroker(b.id, { state: "reconnecting", attempts: attempt + 1 });
        later(() => connect(credential, b, attempt + 1), Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt));
      });
      link.on("error", () => link.end(true));
    }

    async function start() {
      try {
        const credential = await api<TLiveCredential>("POST", "/api/v1/live/credentials", {});
        if (stopped) return;
        setError(null);
        setBrokers(credential.brokers.map((b) => ({ id: b.id, name: b.name, state: "connecting", lastMessageAt: null, attempts: 0 })));
        for (const b of credential.brokers) connect(credential, b, 0);
        later(start, Math.max(10_000, new Date(credential.expiresAt).getTime() - Date.now() - RENEW_BEFORE_MS));
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        later(start, MAX_BACKOFF_MS);
      }
    }
    void start();
    // One sample per broker every 5 s (the brokers' $SYS interval) while its link is up.
    const sampler = setInterval(() => {
      const at = Date.now();
      setLoad((l) => {
        const next = { ...l };
        for (const [name, values] of latest.current) if (named.get(name)?.connected) next[name] = [...(l[name] ?? []), { at, ...values }].slice(-SERIES);
        return next;
      });
    }, 5_000);
    return () => {
      clearInterval(sampler);
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const l of links.values()) l.end(true);
    };
  }, []);

  return { brokers, clients, history, refusals, error, load };
}
