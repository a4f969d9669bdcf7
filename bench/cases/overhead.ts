/**
 * Request overhead: throughput, p50/p99 latency and CPU per request of each client at each
 * concurrency, and each figure as a ratio to raw `node:https` (a) measured in the same round.
 *
 * How it stays fair on a busy machine: every client runs in every round, in an order that rotates
 * and reverses from round to round; before each measured run the client re-warms its connection
 * pool (unmeasured) and the garbage collector runs; after it, the client's connections are closed,
 * so that their teardown (when an idle timeout fired) never lands in another client's run; a ratio
 * is taken within a round (neighbours in time see the same machine load) and the median over rounds
 * is reported.
 */
import { overheadClients, type Client } from '../clients.js';
import type { BenchServer } from '../server.js';
import { closedLoop, collectGarbage, median, quantile, roundOrder } from '../stats.js';

/** The figures of one client at one concurrency (medians over rounds). */
export interface OverheadFigures {
  id: string;
  label: string;
  /** Requests per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** This process's CPU (user + system) per request, in microseconds. */
  cpuUsPerReq: number;
  /** The server's CPU use during the run, as a fraction of one core (near 1: the server limits). */
  serverBusy: number;
  /** Requests per second in each round, in round order (to compare two clients round by round). */
  roundsRps: number[];
  /** Each figure divided by raw node:https's in the same round (median over rounds). */
  ratio: { rps: number; p50: number; p99: number; cpu: number };
}

/** The comparison at one concurrency. */
export interface OverheadResult {
  concurrency: number;
  /** At most this many requests per measured run… */
  requestsPerRun: number;
  /** …and none started after this many milliseconds. */
  durationMs: number;
  rounds: number;
  cases: OverheadFigures[];
}

/** How much to measure. */
export interface OverheadPlan {
  rounds: number;
  /** Measured requests per run (at most), by concurrency. */
  requests: Record<number, number>;
  /** A measured run starts no request after this many milliseconds. */
  durationMs: number;
  /** Unmeasured warm-up of each client before the first round, in milliseconds. */
  warmupMs: number;
}

interface RoundFigures {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  serverBusy: number;
}

/** After closing a client's connections, time for both ends to finish tearing them down. */
const SETTLE_MS = 50;

async function measure(client: Client, server: BenchServer, concurrency: number, requests: number, durationMs: number): Promise<RoundFigures> {
  await closedLoop(client.call, concurrency, Math.max(4 * concurrency, 50)); // re-open the pool, unmeasured
  collectGarbage();
  const s0 = await server.cpuUs();
  const sample = await closedLoop(client.call, concurrency, requests, durationMs);
  const s1 = await server.cpuUs();
  await client.closeConnections();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return {
    rps: sample.requests / (sample.wallMs / 1000),
    p50: quantile(sample.latencies, 0.5),
    p99: quantile(sample.latencies, 0.99),
    cpu: sample.cpuUs / sample.requests,
    serverBusy: (s1 - s0) / (sample.wallMs * 1000),
  };
}

/**
 * Runs the comparison at concurrency 1 and 32.
 *
 * @param server - The bench server.
 * @param plan - Rounds and requests per run.
 * @param progress - Told what runs (to stderr).
 * @returns One result per concurrency.
 */
export async function runOverhead(server: BenchServer, plan: OverheadPlan, progress: (msg: string) => void): Promise<OverheadResult[]> {
  const clients = overheadClients(server.target);
  const reference = clients[0];
  if (reference === undefined) throw new Error('no clients');
  try {
    progress('overhead: warming up every client');
    for (const client of clients) await closedLoop(client.call, 8, 100_000, plan.warmupMs);
    const results: OverheadResult[] = [];
    for (const concurrency of Object.keys(plan.requests).map(Number)) {
      const requests = plan.requests[concurrency] ?? 1000;
      const rounds = new Map<string, RoundFigures[]>(clients.map((c) => [c.id, []]));
      for (let round = 0; round < plan.rounds; round++) {
        progress(`overhead: concurrency ${concurrency}, round ${round + 1}/${plan.rounds}`);
        for (const client of roundOrder(clients, round)) {
          rounds.get(client.id)?.push(await measure(client, server, concurrency, requests, plan.durationMs));
        }
      }
      const ref = rounds.get(reference.id) ?? [];
      const ratios = (own: RoundFigures[], pick: (f: RoundFigures) => number): number =>
        median(own.map((f, i) => pick(f) / pick(ref[i] ?? f)));
      results.push({
        concurrency,
        requestsPerRun: requests,
        durationMs: plan.durationMs,
        rounds: plan.rounds,
        cases: clients.map((client) => {
          const own = rounds.get(client.id) ?? [];
          return {
            id: client.id,
            label: client.label,
            rps: median(own.map((f) => f.rps)),
            p50Ms: median(own.map((f) => f.p50)),
            p99Ms: median(own.map((f) => f.p99)),
            cpuUsPerReq: median(own.map((f) => f.cpu)),
            serverBusy: median(own.map((f) => f.serverBusy)),
            roundsRps: own.map((f) => f.rps),
            ratio: {
              rps: ratios(own, (f) => f.rps),
              p50: ratios(own, (f) => f.p50),
              p99: ratios(own, (f) => f.p99),
              cpu: ratios(own, (f) => f.cpu),
            },
          };
        }),
      });
    }
    return results;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
