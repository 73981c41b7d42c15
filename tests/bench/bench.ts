/**
 * The registration API of `npm run bench`. Each `tests/bench/*.bench.ts` default-exports a
 * Bench; the runner calls `run()` and prints every case's median and p99 beside its baseline,
 * which must be measured in the same run (same machine, same load).
 */
export interface BenchCase {
  /** Row label, e.g. 'stack start, fresh folder'. */
  name: string;
  /** One measurement per run, in `unit`. */
  samples: number[];
  /** Default 'ms'. */
  unit?: string;
  /** Name of the case in the same bench this one is compared with; omit on baselines. */
  baseline?: string;
  /** Anything a reader needs to interpret the row (data set, sizes). */
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<BenchCase[]>;
}

export function defineBench(bench: Bench): Bench {
  return bench;
}

/** Runs fn `runs` times after `warmup` unmeasured runs; returns the durations in ms. */
export async function measure(runs: number, fn: (i: number) => Promise<unknown>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function median(samples: number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How many runs a bench should do: BENCH_RUNS overrides the bench's own default. */
export function runs(fallback: number): number {
  const n = Number(process.env.BENCH_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
