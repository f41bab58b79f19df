// Per-topic message rates of live traffic, in bounded memory however long a page watches: at most `cap` topics are
// followed (a new topic past the cap takes the place of the one seen least recently), each with one counter per
// second of the last `windowS` seconds. Pure (time is passed in).

export type TTopicRate = { topic: string; perSecond: number; messages: number; bytes: number; lastAt: number; brokers: string[] };

type TEntry = { messages: number; bytes: number; firstAt: number; lastAt: number; brokers: Set<string>; buckets: Uint32Array; second: number };

export class TopicRates {
  private readonly topics = new Map<string, TEntry>();
  /** Topics that were followed and made room for newer ones. */
  evicted = 0;

  constructor(
    readonly cap = 500,
    readonly windowS = 10,
  ) {}

  record(topic: string, broker: string, bytes: number, at: number): void {
    let e = this.topics.get(topic);
    if (!e) {
      if (this.topics.size >= this.cap) this.evictOldest();
      e = { messages: 0, bytes: 0, firstAt: at, lastAt: at, brokers: new Set(), buckets: new Uint32Array(this.windowS), second: Math.floor(at / 1000) };
      this.topics.set(topic, e);
    }
    const second = Math.floor(at / 1000);
    if (second > e.second) {
      // Clear the buckets of the seconds that went by without a message.
      for (let s = e.second + 1; s <= Math.min(second, e.second + this.windowS); s++) e.buckets[s % this.windowS] = 0;
      e.second = second;
    }
    if (second > e.second - this.windowS) e.buckets[second % this.windowS]! += 1;
    e.messages++;
    e.bytes += bytes;
    e.lastAt = Math.max(e.lastAt, at);
    if (e.brokers.size < 16) e.brokers.add(broker);
  }

  /** Messages per second over the window (or since the topic was first seen, when that is shorter). */
  private rate(e: TEntry, now: number): number {
    const nowS = Math.floor(now / 1000);
    let n = 0;
    for (let s = Math.max(nowS - this.windowS + 1, e.second - this.windowS + 1); s <= Math.min(e.second, nowS); s++) n += e.buckets[s % this.windowS]!;
    const span = Math.min(this.windowS, Math.max(1, Math.ceil((now - e.firstAt) / 1000)));
    return n / span;
  }

  private evictOldest(): void {
    let oldest: string | null = null;
    let at = Infinity;
    for (const [topic, e] of this.topics) {
      if (e.lastAt < at) {
        oldest = topic;
        at = e.lastAt;
      }
    }
    if (oldest === null) return;
    this.topics.delete(oldest);
    this.evicted++;
  }

  get size(): number {
    return this.topics.size;
  }

  /** Busiest first (then most messages, then by name). */
  rows(now: number): TTopicRate[] {
    return [...this.topics]
      .map(([topic, e]) => ({ topic, perSecond: this.rate(e, now), messages: e.messages, bytes: e.bytes, lastAt: e.lastAt, brokers: [...e.brokers].sort() }))
      .sort((a, b) => b.perSecond - a.perSecond || b.messages - a.messages || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  }

  clear(): void {
    this.topics.clear();
    this.evicted = 0;
  }
}
