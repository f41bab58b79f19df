// One measured figure of `npm run bench`, with its goal and the baseline measured in the same run.
export type TFigure = {
  name: string;
  value: number;
  unit: string;
  /** "<= 10000" style goal, or null when the figure is informative. */
  goal: { op: "<=" | ">="; value: number } | null;
  baseline: { value: number; what: string } | null;
  note?: string;
};

export const met = (f: TFigure) => (f.goal ? (f.goal.op === "<=" ? f.value <= f.goal.value : f.value >= f.goal.value) : null);

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** p95 of `runs` awaited calls, in ms, after `warm` calls that are not counted. */
export async function p95Of(run: () => Promise<unknown>, runs: number, warm = 1): Promise<number> {
  for (let i = 0; i < warm; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return round(percentile(times, 95));
}
