/**
 * `npm run bench [-- --quick] [-- --only overhead,listing,wait,bulk,startup]`: every case of
 * issue 5 in one process run; the table on stdout, progress on stderr, the figures in
 * `bench/results/latest.json` (a quick run: `quick.json`), and on a full run of every case the
 * table in `bench/README.md`.
 *
 * A missed goal is printed, never an error: the exit code is 0 unless the harness itself breaks
 * (a client that fails, a server that does not start).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runBulk } from './cases/bulk.js';
import { runListing } from './cases/listing.js';
import { runOverhead } from './cases/overhead.js';
import { runStartup } from './cases/startup.js';
import { runWait } from './cases/wait.js';
import { checkGoals, formatReport, newResults, updateReadme, writeJson } from './report.js';
import { startBenchServer } from './server.js';

const CASES = ['overhead', 'listing', 'wait', 'bulk', 'startup'] as const;
type Case = (typeof CASES)[number];

const GUESTS = 10_000;
const START_LATENCY_MS = 20;

/** How much each case measures, quick (CI: under a minute on a busy 2-core machine) and full. */
const PLANS = {
  quick: {
    overhead: { rounds: 3, requests: { 1: 2000, 32: 5000 }, durationMs: 250, warmupMs: 300 },
    listingRounds: 3,
    wait: { tasksMs: [1000, 30_000, 600_000], runs: 3 },
    bulk: { vms: 1000, concurrency: 16, latencyMs: START_LATENCY_MS, rounds: 1 },
    startup: { runs: 3, cjs: false },
  },
  full: {
    overhead: { rounds: 7, requests: { 1: 20_000, 32: 50_000 }, durationMs: 1200, warmupMs: 1000 },
    listingRounds: 9,
    wait: { tasksMs: [1000, 30_000, 600_000], runs: 10 },
    bulk: { vms: 1000, concurrency: 16, latencyMs: START_LATENCY_MS, rounds: 3 },
    startup: { runs: 10, cjs: true },
  },
};

function parseArgs(argv: string[]): { quick: boolean; only: Set<Case> } {
  const quick = argv.includes('--quick');
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  const list = i === -1 ? undefined : (argv[i]?.includes('=') ? argv[i]?.split('=')[1] : argv[i + 1]);
  const only = new Set<Case>();
  for (const name of list ? list.split(',') : CASES) {
    if (!(CASES as readonly string[]).includes(name)) throw new Error(`--only: unknown case ${name} (cases: ${CASES.join(', ')})`);
    only.add(name as Case);
  }
  return { quick, only };
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const plan = quick ? PLANS.quick : PLANS.full;
  const started = performance.now();
  const progress = (msg: string): void => {
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}\n`);
  };
  const results = newResults(quick);

  if (only.has('overhead') || only.has('listing') || only.has('bulk')) {
    progress('starting the bench server (child process)');
    const server = await startBenchServer({ guests: GUESTS, startLatencyMs: START_LATENCY_MS });
    try {
      if (only.has('overhead')) results.overhead = await runOverhead(server, plan.overhead, progress);
      if (only.has('listing')) results.listing = await runListing(server, GUESTS, plan.listingRounds, progress);
      if (only.has('bulk')) results.bulk = await runBulk(server, plan.bulk, progress);
    } finally {
      await server.close();
    }
  }
  if (only.has('wait')) results.wait = await runWait(plan.wait, progress);
  if (only.has('startup')) results.startup = await runStartup(plan.startup.runs, plan.startup.cjs, progress);

  results.machine.loadavgEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  results.goals = checkGoals(results);
  const text = formatReport(results);
  process.stdout.write(`${text}\n`);

  // Only a full run of every case replaces latest.json (kept in git); others go beside it, ignored.
  const name = quick ? 'quick' : only.size === CASES.length ? 'latest' : 'partial';
  const file = fileURLToPath(new URL(`results/${name}.json`, import.meta.url));
  writeJson(file, results);
  progress(`wrote ${file}`);
  if (!quick && only.size === CASES.length && updateReadme(fileURLToPath(new URL('README.md', import.meta.url)), text)) {
    progress('updated the table in bench/README.md');
  }
  const missed = results.goals.filter((g) => !g.met).length;
  progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; ${missed} goal(s) missed (printed above, not an error)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench: the harness broke:', err);
    process.exit(1);
  },
);
