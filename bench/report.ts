/**
 * The report: the goals checked against the figures, the table printed on stdout, the JSON file,
 * and the table in `bench/README.md` (between its `latest` markers, on a full run).
 */
import { cpus, loadavg, totalmem, platform, arch, release } from 'node:os';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BulkResult } from './cases/bulk.js';
import type { ListingResult } from './cases/listing.js';
import type { OverheadFigures, OverheadResult } from './cases/overhead.js';
import type { StartupResult } from './cases/startup.js';
import type { WaitFigures } from './cases/wait.js';
import { median } from './stats.js';

/** Everything one run measured; a case that was not run is absent. */
export interface Results {
  date: string;
  quick: boolean;
  node: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; loadavgStart: number[]; loadavgEnd?: number[] };
  overhead?: OverheadResult[];
  listing?: ListingResult;
  wait?: WaitFigures[];
  bulk?: BulkResult;
  startup?: StartupResult;
  goals?: Goal[];
}

/** One goal of the issue, and whether this run met it. */
export interface Goal {
  name: string;
  value: number;
  /** `value` must be at most (`max`) or at least (`min`) this. */
  limit: number;
  kind: 'max' | 'min';
  unit: string;
  met: boolean;
}

/**
 * The machine and Node, and the load when the run began (other work on the machine shows here).
 *
 * @param quick - Whether this is a quick run.
 * @returns The skeleton of the results.
 */
export function newResults(quick: boolean): Results {
  return {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()} ${arch()}`,
      loadavgStart: loadavg().map((l) => Math.round(l * 100) / 100),
    },
  };
}

const STATUS_LEAN = 'sdk-status-lean';

function at(r: Results, concurrency: number, id: string): OverheadFigures | undefined {
  return r.overhead?.find((o) => o.concurrency === concurrency)?.cases.find((c) => c.id === id);
}

/**
 * Checks the issue's goals against what was measured.
 *
 * @param r - The results.
 * @returns The goals that could be checked.
 */
export function checkGoals(r: Results): Goal[] {
  const goals: Goal[] = [];
  const add = (name: string, value: number | undefined, kind: 'max' | 'min', limit: number, unit: string): void => {
    if (value === undefined || Number.isNaN(value)) return;
    goals.push({ name, value, kind, limit, unit, met: kind === 'max' ? value <= limit : value >= limit });
  };
  const sdk = at(r, 32, STATUS_LEAN);
  const px = at(r, 32, 'proxmox-api');
  add('vm.status() req/s at c=32, × raw node:https', sdk?.ratio.rps, 'min', 0.85, '×');
  if (sdk && px) add('vm.status() req/s at c=32, × proxmox-api', median(sdk.roundsRps.map((v, i) => v / (px.roundsRps[i] ?? NaN))), 'min', 1.2, '×');
  add('vm.status() p99 at c=32, × raw', sdk?.ratio.p99, 'max', 1.2, '×');
  add('vm.status() CPU/request at c=32, × raw', sdk?.ratio.cpu, 'max', 1.3, '×');
  add('10 000-guest resources(), × JSON.parse', r.listing?.ratio.sdk, 'max', 3, '×');
  const w = (ms: number): WaitFigures | undefined => r.wait?.find((f) => f.taskMs === ms);
  add('wait, 10-min task: status requests (worst run)', w(600_000)?.statusRequests.max, 'max', 40, '');
  add('wait, 10-min task: end noticed after (worst run)', w(600_000)?.lateMs.max, 'max', 5000, 'ms');
  add('wait, 1-s task: end noticed after (worst run)', w(1000)?.lateMs.max, 'max', 500, 'ms');
  add('bulk start of 1000 VMs, × ideal', r.bulk?.ratio.sdk, 'max', 1.2, '×');
  return goals;
}

// --- Formatting ------------------------------------------------------------------------------

const f = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const x = (v: number): string => `${f(v, 2)}×`;

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The whole report as text: one table per case, then the goals.
 *
 * @param r - The results (with goals).
 * @returns The text.
 */
export function formatReport(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `proxmox-sdk bench — ${r.quick ? 'quick' : 'full'} run, ${r.date}`,
    `${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${r.node}; load average at start ${m.loadavgStart.join(' ')}` +
      (m.loadavgEnd ? `, at end ${m.loadavgEnd.join(' ')}` : ''),
  );
  for (const o of r.overhead ?? []) {
    out.push(
      '',
      `Request overhead — GET /nodes/{node}/qemu/{vmid}/status/current, concurrency ${o.concurrency} ` +
        `(median of ${o.rounds} rounds of ${f(o.durationMs)} ms each; ×(a) = ratio to (a) in the same round)`,
      table(
        ['client', 'req/s', '×(a)', 'p50 ms', '×(a)', 'p99 ms', '×(a)', 'CPU µs/req', '×(a)', 'server busy'],
        o.cases.map((c) => [
          c.label, f(c.rps), x(c.ratio.rps), f(c.p50Ms, 2), x(c.ratio.p50), f(c.p99Ms, 2), x(c.ratio.p99),
          f(c.cpuUsPerReq), x(c.ratio.cpu), `${f(c.serverBusy * 100)} %`,
        ]),
      ),
    );
  }
  if (r.listing) {
    const l = r.listing;
    out.push(
      '',
      `Large listing — /cluster/resources with ${l.guests} guests (${f(l.bodyBytes / 1e6, 1)} MB), median of ${l.rounds} rounds`,
      table(
        ['way', 'ms', '× JSON.parse', 'peak MiB'],
        [
          ['JSON.parse of the body alone', f(l.timeMs.jsonParse, 1), x(1), f(l.peakMiB.jsonParse, 1)],
          ['raw node:https fetch + JSON.parse', f(l.timeMs.rawFetchParse, 1), x(l.ratio.rawFetchParse), f(l.peakMiB.rawFetchParse, 1)],
          ['SDK Cluster.resources() (fetch + parse + validate)', f(l.timeMs.sdk, 1), x(l.ratio.sdk), f(l.peakMiB.sdk, 1)],
        ],
      ),
    );
  }
  if (r.wait) {
    out.push(
      '',
      `Task waiting — task.wait() on the simulator's clock (worst / median of ${r.wait[0]?.runs ?? 0} runs with different jitter)`,
      table(
        ['task length', 'status requests', 'log requests', 'end noticed after'],
        r.wait.map((w) => [
          w.taskMs >= 60_000 ? `${w.taskMs / 60_000} min` : `${w.taskMs / 1000} s`,
          `${w.statusRequests.max} / ${w.statusRequests.median}`,
          `${w.logRequests.max} / ${w.logRequests.median}`,
          `${f(w.lateMs.max / 1000, 2)} s / ${f(w.lateMs.median / 1000, 2)} s`,
        ]),
      ),
    );
  }
  if (r.bulk) {
    const b = r.bulk;
    out.push(
      '',
      `Bulk — start ${b.vms} VMs, ${b.concurrency} in flight, server answers in ${b.latencyMs} ms ` +
        `(ideal ${f(b.idealMs)} ms; median of ${b.rounds} rounds)`,
      table(
        ['client', 'wall ms', '× ideal'],
        [
          ['SDK vm.start()', f(b.wallMs.sdk), x(b.ratio.sdk)],
          ['raw node:https POST', f(b.wallMs.raw), x(b.ratio.raw)],
        ],
      ),
    );
  }
  if (r.startup) {
    const s = r.startup;
    const deps = (id: string): number => s.variants.find((v) => v.id === id)?.importMs ?? NaN;
    out.push(
      '',
      `Start-up — fresh node processes, median of ${s.runs}; the package: ${s.build}`,
      table(
        ['what', 'load ms', '× axios+zod', 'process ms'],
        s.variants.map((v) => [
          v.label, f(v.importMs, 1),
          v.id.startsWith('sdk') ? x(v.importMs / deps(v.id.endsWith('cjs') ? 'deps-cjs' : 'deps-esm')) : '',
          f(v.processMs),
        ]),
      ),
    );
  }
  if (r.goals?.length) {
    out.push(
      '',
      'Goals (issue 5)',
      table(
        ['goal', 'measured', 'target', ''],
        r.goals.map((g) => [
          g.name, g.unit === '×' ? x(g.value) : `${f(g.value)}${g.unit ? ` ${g.unit}` : ''}`,
          `${g.kind === 'max' ? '≤' : '≥'} ${g.unit === '×' ? x(g.limit) : `${g.limit}${g.unit ? ` ${g.unit}` : ''}`}`,
          g.met ? 'met' : 'MISSED',
        ]),
      ),
    );
  }
  return out.join('\n');
}

/**
 * Writes the results as JSON.
 *
 * @param file - Where.
 * @param r - The results.
 */
export function writeJson(file: string, r: Results): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v), 2) + '\n');
}

const START = '<!-- latest:start -->';
const END = '<!-- latest:end -->';

/**
 * Puts the table between the `latest` markers of a README (left alone when it has none).
 *
 * @param file - The README.
 * @param text - The table.
 * @returns Whether the README was updated.
 */
export function updateReadme(file: string, text: string): boolean {
  let readme: string;
  try {
    readme = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a === -1 || b < a) return false;
  writeFileSync(file, `${readme.slice(0, a + START.length)}\n\`\`\`text\n${text}\n\`\`\`\n${readme.slice(b)}`);
  return true;
}
