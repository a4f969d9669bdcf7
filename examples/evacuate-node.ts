/**
 * Evacuate a node: migrate every running guest off it, a few at a time, printing each migration's
 * task log as it happens — before maintenance or a reboot.
 *
 *   PROXMOX_HOST=pve1 PROXMOX_TOKEN_ID='root@pam!ci' PROXMOX_TOKEN_SECRET=… \
 *     npx tsx examples/evacuate-node.ts --node pve1 [--target pve2 --target pve3] [--concurrency 2] \
 *       [--with-local-disks] [--dry-run]
 *
 * The guests are the running, non-template ones `cluster.resources({ type: 'vm' })` reports on the
 * node. Each goes to the online target with the most free memory, counting the guests already sent
 * there. VMs migrate live (`online`, and `withLocalDisks` when asked); containers by restart
 * migration (live container migration is experimental in Proxmox). A migration that fails does not
 * stop the others; the exit code is 1 when any failed.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Cluster, Container, ProxmoxAPI, VM, type ClusterResource, type WaitOptions } from '../src/index.js';
import pLimit from 'p-limit';

/** What to evacuate, and how. */
export interface EvacuateOptions {
  /** The node to empty. */
  node: string;
  /** Where guests may go (default: every other online node). */
  targets?: readonly string[];
  /** Migrations at once (default 2). */
  concurrency?: number;
  /** Live-migrate VMs with local disks too (copies them; `with-local-disks`). */
  withLocalDisks?: boolean;
  /** Seconds a container may take to shut down for its restart migration (default 180). */
  containerTimeout?: number;
  /** Plan only: say where each guest would go, migrate nothing. */
  dryRun?: boolean;
  /** How to wait for each migration (its `onLog` is set to print the task log). */
  wait?: WaitOptions;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What happened to one guest. */
export interface EvacuateOutcome {
  /** `qemu/100` or `lxc/200`. */
  guest: string;
  /** Where it went (or would go). */
  target: string;
  /** Why it failed, if it did. */
  error?: string;
}

/** One guest to move and where. */
interface Move {
  resource: ClusterResource & { vmid: number };
  target: string;
}

/** Sends each guest, biggest first, to the target with the most memory left. */
function plan(guests: ReadonlyArray<ClusterResource & { vmid: number }>, nodes: readonly ClusterResource[], targets: readonly string[]): Move[] {
  const free = new Map(targets.map((t) => {
    const n = nodes.find((r) => r.node === t);
    return [t, (n?.maxmem ?? 0) - (n?.mem ?? 0)];
  }));
  const bySize = [...guests].sort((a, b) => (b.maxmem ?? 0) - (a.maxmem ?? 0) || a.vmid - b.vmid);
  return bySize.map((resource) => {
    const [target] = [...free.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
    if (target === undefined) throw new Error('no target node');
    free.set(target, (free.get(target) ?? 0) - (resource.maxmem ?? 0));
    return { resource, target };
  });
}

/**
 * Migrates the node's running guests to the other nodes with bounded concurrency, printing each
 * migration's task log as it comes.
 *
 * @param api - The session.
 * @param opts - The node, targets, concurrency and migration options.
 * @returns One outcome per guest, biggest guest first.
 */
export async function main(api: ProxmoxAPI, opts: EvacuateOptions): Promise<EvacuateOutcome[]> {
  const { node, concurrency = 2, containerTimeout = 180, wait = {}, log = () => {} } = opts;
  const cluster = new Cluster(api);
  const [nodes, vms] = await Promise.all([cluster.resources({ type: 'node' }), cluster.resources({ type: 'vm' })]);
  if (!nodes.some((n) => n.node === node)) throw new TypeError(`node must be a node of the cluster, got ${JSON.stringify(node)}`);
  const online = nodes.filter((n) => n.status === 'online' && n.node !== node).map((n) => String(n.node));
  const targets = opts.targets ?? online;
  const offline = targets.filter((t) => !online.includes(t));
  if (targets.length === 0 || offline.length > 0) {
    throw new Error(targets.length === 0 ? 'no online node to migrate to' : `targets not online (or the node itself): ${offline.join(', ')}`);
  }

  const guests = vms.filter(
    (r): r is ClusterResource & { vmid: number } =>
      r.node === node && r.status === 'running' && !r.template && r.vmid !== undefined && (r.type === 'qemu' || r.type === 'lxc'),
  );
  const moves = plan(guests, nodes, targets);
  log(`${node}: ${moves.length} running guest(s) to move to ${targets.join(', ')}, ${concurrency} at a time`);
  if (opts.dryRun) {
    for (const m of moves) log(`${m.resource.type}/${m.resource.vmid} → ${m.target} (dry run)`);
    return moves.map((m) => ({ guest: `${m.resource.type}/${m.resource.vmid}`, target: m.target }));
  }

  return pLimit(concurrency).map(moves, async ({ resource, target }): Promise<EvacuateOutcome> => {
    const guest = `${resource.type}/${resource.vmid}`;
    const outcome: EvacuateOutcome = { guest, target };
    try {
      const task = resource.type === 'qemu'
        ? await new VM(api, node, resource.vmid).migrate(target, { online: true, ...(opts.withLocalDisks ? { withLocalDisks: true } : {}) })
        : await new Container(api, node, resource.vmid).migrate(target, { restart: true, timeout: containerTimeout });
      log(`${guest} → ${target}: started`);
      const onLog: NonNullable<WaitOptions['onLog']> = (lines) => {
        for (const line of lines) log(`${guest}: ${line.t}`);
      };
      await task.wait({ ...wait, onLog });
      log(`${guest} → ${target}: done`);
    } catch (err) {
      outcome.error = err instanceof Error ? err.message : String(err);
      log(`${guest} → ${target}: FAILED: ${outcome.error}`);
    }
    return outcome;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      node: { type: 'string' },
      target: { type: 'string', multiple: true },
      concurrency: { type: 'string', default: '2' },
      'with-local-disks': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (values.node === undefined) {
    console.error('usage: evacuate-node.ts --node NODE [--target NODE …] [--concurrency 2] [--with-local-disks] [--dry-run]');
    process.exit(2);
  }
  const api = ProxmoxAPI.fromEnv();
  main(api, {
    node: values.node,
    ...(values.target ? { targets: values.target } : {}),
    concurrency: Number(values.concurrency),
    withLocalDisks: values['with-local-disks'],
    dryRun: values['dry-run'],
    log: (line) => console.log(line),
  })
    .then((outcomes) => {
      process.exitCode = outcomes.some((o) => o.error !== undefined) ? 1 : 0;
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 2;
    })
    .finally(() => api.close());
}
