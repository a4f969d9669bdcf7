/**
 * How PVE's workers word their progress: sizes (`1.5 GiB`), durations (`00:00:20`) and
 * `transferred … of … (n%)` lines.
 *
 * @module
 * @internal
 */

const GiB = 1024 ** 3;

/** Bytes as PVE's task logs print them (`32.0 GiB`, `512.0 MiB`). */
export const human = (bytes: number): string => (bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

/** Seconds as `HH:MM:SS`. */
export const hms = (s: number): string => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');

/** `steps + 1` progress lines from 0 % to 100 % of `total`. */
export function progressLines(total: number, steps: number, fmt: (done: number, pct: string) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const done = Math.round((total * i) / steps);
    out.push(fmt(done, total ? ((100 * done) / total).toFixed(2) : '100.00'));
  }
  return out;
}
