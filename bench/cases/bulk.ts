/**
 * Bulk work: start 1 000 VMs with 16 in flight against a server that takes 20 ms to answer each
 * start; the wall time next to the ideal (1 000 × 20 ms / 16 = 1.25 s), for the SDK and, to show
 * what the server and the event loop allow at best, for raw `node:https`.
 */
import { rawAgent, rawRequest, sdkSession, sdkStart } from '../clients.js';
import type { BenchServer } from '../server.js';
import { closedLoop, median, roundOrder } from '../stats.js';

/** What the bulk case found (medians over rounds). */
export interface BulkResult {
  vms: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  rounds: number;
  wallMs: { sdk: number; raw: number };
  /** Wall time / ideal. */
  ratio: { sdk: number; raw: number };
}

/**
 * Runs the bulk case.
 *
 * @param server - The bench server, answering `status/start` after `latencyMs`.
 * @param plan - VMs, concurrency, the server's latency and rounds.
 * @param progress - Told what runs.
 * @returns The figures.
 */
export async function runBulk(
  server: BenchServer,
  plan: { vms: number; concurrency: number; latencyMs: number; rounds: number },
  progress: (msg: string) => void,
): Promise<BulkResult> {
  const t = server.target;
  const api = sdkSession(t);
  const agent = rawAgent(t);
  const calls = (start: (vmid: number) => Promise<unknown>): (() => Promise<unknown>) => {
    let next = 0;
    return () => start(1000 + (next++ % plan.vms));
  };
  const cases = {
    sdk: () => calls((vmid) => sdkStart(api, t.node, vmid)),
    raw: () => calls((vmid) => rawRequest(agent, t, 'POST', `/api2/json/nodes/${t.node}/qemu/${vmid}/status/start`, '')),
  };
  const names = Object.keys(cases) as Array<keyof typeof cases>;
  try {
    for (const name of names) await closedLoop(cases[name](), plan.concurrency, plan.concurrency * 4); // connect
    const walls: Record<keyof typeof cases, number[]> = { sdk: [], raw: [] };
    for (let round = 0; round < plan.rounds; round++) {
      progress(`bulk: round ${round + 1}/${plan.rounds}`);
      for (const name of roundOrder(names, round)) {
        walls[name].push((await closedLoop(cases[name](), plan.concurrency, plan.vms)).wallMs);
      }
    }
    const idealMs = (plan.vms * plan.latencyMs) / plan.concurrency;
    const sdk = median(walls.sdk);
    const raw = median(walls.raw);
    return { ...plan, idealMs, wallMs: { sdk, raw }, ratio: { sdk: sdk / idealMs, raw: raw / idealMs } };
  } finally {
    api.close();
    agent.destroy();
  }
}
