import { describe, expect, it } from "vitest";
import { InFlight, settlesWithin, WorkerStopping } from "./in-flight";

/** Work that ends only when cancelled. */
const untilAborted = (signal: AbortSignal) => new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));

describe("work in flight", () => {
  it("cancels what runs, waits for it to settle, and then starts nothing new", async () => {
    const work = new InFlight();
    const a = work.run("sync a", untilAborted);
    const b = work.run("sync b", async () => 42);
    expect(await b).toBe(42);
    expect(work.list()).toEqual(["sync a"]);
    expect(await work.cancel(5_000)).toEqual([]);
    await expect(a).rejects.toThrow("aborted");
    // A transaction started now would race the pool's close: refused, so the queue retries the job elsewhere.
    await expect(work.run("sync c", async () => 1)).rejects.toBeInstanceOf(WorkerStopping);
    expect(work.stopping).toBe(true);
  });

  it("names the work that ignores its cancellation once the time is up", async () => {
    const work = new InFlight();
    let release = () => undefined as void;
    const stuck = work.run("a stuck sync", () => new Promise<void>((r) => (release = r)));
    const t0 = Date.now();
    expect(await work.cancel(50)).toEqual(["a stuck sync"]);
    expect(Date.now() - t0).toBeLessThan(1_000);
    release();
    await stuck;
    expect(work.list()).toEqual([]);
  });

  it("settlesWithin says whether a promise settled in time, rejected or not", async () => {
    expect(await settlesWithin(Promise.reject(new Error("x")), 50)).toBe(true);
    expect(await settlesWithin(new Promise(() => undefined), 20)).toBe(false);
  });
});
