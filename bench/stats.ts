/**
 * Measuring: a closed-loop load generator (N requests, C in flight), percentiles and medians, and a
 * way to run the garbage collector between cases so one case's garbage is not collected on the
 * next one's time.
 */
import { runInNewContext } from 'node:vm';
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';

/** One measured run of a client: how long it took, each request's latency, and the CPU it used. */
export interface Sample {
  requests: number;
  concurrency: number;
  wallMs: number;
  /** Latency of each request, in milliseconds. */
  latencies: Float64Array;
  /** User + system CPU of this process during the run, in microseconds. */
  cpuUs: number;
  /** The user part of it (the client's own work; system time is mostly the kernel's socket and TLS I/O). */
  userUs: number;
}

/**
 * Sends calls with at most `concurrency` in flight (each worker starts its next call as soon as its
 * last one ends) until `requests` calls were started or `durationMs` has passed, whichever comes
 * first; then waits for those in flight. Times each call and the whole run, with this process's CPU.
 *
 * A time box keeps a run short on a busy machine (the quick run must stay under a minute);
 * throughput is then the calls completed over the time they took.
 *
 * @param call - One request (it rejects on any error: a benchmark case must not fail quietly).
 * @param concurrency - Calls in flight.
 * @param requests - At most this many calls.
 * @param durationMs - Start no call after this many milliseconds (default: no limit).
 * @returns The sample.
 */
export async function closedLoop(
  call: () => Promise<unknown>,
  concurrency: number,
  requests: number,
  durationMs = Infinity,
): Promise<Sample> {
  const latencies = new Float64Array(requests);
  let next = 0;
  let done = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stopAt = t0 + durationMs;
  const worker = async (): Promise<void> => {
    while (next < requests && performance.now() < stopAt) {
      const i = next++;
      const t = performance.now();
      await call();
      latencies[i] = performance.now() - t;
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { requests: done, concurrency, wallMs, latencies: latencies.subarray(0, done), cpuUs: cpu.user + cpu.system, userUs: cpu.user };
}

/**
 * The `q`-quantile (0..1) of `values`, by the nearest-rank method.
 *
 * @param values - The values (not modified).
 * @param q - 0.5 for the median, 0.99 for p99.
 * @returns The quantile, NaN for no values.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/**
 * The median of `values`.
 *
 * @param values - The values.
 * @returns The median (mean of the middle two for an even count), NaN for none.
 */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * The order in which to run `items` in round `round`: rotated by the round and reversed every
 * other round, so that over the rounds each case runs early and late, before and after each other
 * (a slow drift of the machine's load then shows in every case alike, not in one).
 *
 * @param items - The cases.
 * @param round - The round number, from 0.
 * @returns A new array in this round's order.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  const shift = n === 0 ? 0 : round % n;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return round % 2 === 1 ? rotated.reverse() : rotated;
}

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (V8's `gc()`, exposed at run time), so that a case starts clean. */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The peak memory `fn` needs: the JS heap plus external memory (Buffers), above what was in use
 * before it (after a full GC). Between two collections the heap only grows, so its peak is either
 * just before one of the collections that ran meanwhile (V8's `GCProfiler` reports the heap as it
 * was before each) or at the end.
 *
 * @param fn - The work to measure.
 * @returns The peak in bytes above the baseline, and what `fn` returned.
 */
export async function peakMemory<T>(fn: () => Promise<T>): Promise<{ peakBytes: number; result: T }> {
  collectGarbage();
  const base = getHeapStatistics();
  const profiler = new GCProfiler();
  profiler.start();
  const result = await fn();
  const end = getHeapStatistics();
  const gcs = profiler.stop()?.statistics ?? [];
  let peak = end.used_heap_size + end.external_memory;
  for (const gc of gcs) peak = Math.max(peak, gc.beforeGC.heapStatistics.usedHeapSize + gc.beforeGC.heapStatistics.externalMemory);
  return { peakBytes: peak - (base.used_heap_size + base.external_memory), result };
}
