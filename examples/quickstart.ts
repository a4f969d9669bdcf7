/**
 * The quickstart tour: what `npm run demo` runs.
 *
 * Read-only part (safe on any cluster): the release, the nodes, the guests, the storages and the
 * recent tasks. Write part (the simulator, or a cluster with `--write`): create a VM, snapshot it as
 * `pre`, clone it, migrate the clone with its task log shown live, roll the VM back, clean up.
 */
import { Cluster, Node, Storage, VM, type ProxmoxAPI, type Task } from '../src/index.js';

/** Options of {@link main}. */
export interface QuickstartOptions {
  /** Create, snapshot, clone, migrate and delete guests (default: read only). */
  write?: boolean;
  /** The node to create the demo VM on (default: the first online node). */
  node?: string;
  /** The storage for the demo VM's disk (default `local-lvm`). */
  storage?: string;
  /** Where the lines go (default `console.log`). */
  log?: (line: string) => void;
}

/** What the tour did, for the closing summary and for tests. */
export interface QuickstartSummary {
  /** The Proxmox release, e.g. `9.1.2`. */
  version: string;
  /** The nodes and their state. */
  nodes: string[];
  /** How many guests the cluster has. */
  guests: number;
  /** Each step of the write part that ran, in order. */
  steps: string[];
}

/**
 * Runs the tour against a session.
 *
 * @param api - The session.
 * @param opts - Read only or write, and where.
 * @returns What it saw and did.
 */
export async function main(api: ProxmoxAPI, opts: QuickstartOptions = {}): Promise<QuickstartSummary> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const cluster = new Cluster(api);

  const { version } = await api.version();
  log(`Connected to Proxmox VE ${version} at ${api.host}:${api.port}`);

  const nodes = await cluster.nodeList();
  log(`\nNodes:`);
  for (const n of nodes) log(`  ${n.node.padEnd(8)} ${String(n.status).padEnd(8)} ${mem(n.mem)} / ${mem(n.maxmem)} memory`);

  const guests = await cluster.resources({ type: 'vm' });
  log(`\nGuests:`);
  for (const g of [...guests].sort((a, b) => (a.vmid ?? 0) - (b.vmid ?? 0))) {
    log(`  ${String(g.vmid).padEnd(6)} ${String(g.type).padEnd(5)} ${String(g.name ?? '').padEnd(20)} ${String(g.node).padEnd(6)} ${g.template ? 'template' : g.status}`);
  }

  const storages = await Storage.list(api);
  log(`\nStorage: ${storages.map((s) => `${s.storage} (${s.type})`).join(', ')}`);

  const summary: QuickstartSummary = {
    version,
    nodes: nodes.map((n) => `${n.node} (${n.status})`),
    guests: guests.length,
    steps: [],
  };
  const online = nodes.filter((n) => n.status === 'online').map((n) => n.node);
  if (opts.write) await tour(api, cluster, online, opts, log, summary.steps);

  const first = online[0];
  if (first !== undefined) {
    log(`\nRecent tasks on ${first}:`);
    for (const t of await new Node(api, first).tasks({ limit: 8 })) {
      log(`  ${t.starttime === undefined ? '?' : new Date(t.starttime * 1000).toISOString()}  ${t.type} ${t.id ?? ''}  ${t.status ?? 'running'}`);
    }
  }
  return summary;
}

/** The write part: every step waits for its task, and the guests it made are removed at the end. */
async function tour(api: ProxmoxAPI, cluster: Cluster, online: string[], opts: QuickstartOptions, log: (line: string) => void, steps: string[]): Promise<void> {
  const node = opts.node ?? online[0];
  const target = online.find((n) => n !== node);
  if (node === undefined || target === undefined) throw new Error('the write tour needs two online nodes');
  const step = async (what: string, task: Promise<Task>, live = false): Promise<void> => {
    const started = Date.now();
    log(`\n> ${what}`);
    const result = await (await task).wait(live ? { onLog: (lines) => lines.forEach((l) => log(`    ${l.t}`)) } : {});
    log(`  ${result.exitStatus} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    steps.push(what);
  };

  const vmid = await cluster.nextId();
  const vm = new VM(api, node, vmid);
  await step(`create VM ${vmid} on ${node}`, VM.create(api, node, vmid, {
    name: 'sdk-demo', memory: 1024, cores: 2, ostype: 'l26',
    scsi0: `${opts.storage ?? 'local-lvm'}:8`, net0: 'virtio,bridge=vmbr0',
  }));
  const cloneId = await cluster.nextId();
  let cloneNode = node;
  try {
    await step(`snapshot VM ${vmid} as "pre"`, vm.snapshotCreate('pre', { description: 'before the demo' }));
    log(`  snapshots: ${(await vm.snapshotList()).map((s) => s.name).join(', ')}`);
    await step(`clone VM ${vmid} to ${cloneId}`, vm.clone(cloneId, { name: 'sdk-demo-clone', full: true }));
    await step(`migrate VM ${cloneId} from ${node} to ${target}`, new VM(api, node, cloneId).migrate(target, { withLocalDisks: true }), true);
    cloneNode = target;
    await vm.configSet({ memory: 2048 });
    log(`\n> set VM ${vmid}'s memory to ${(await vm.configGet()).memory} MiB`);
    await step(`roll VM ${vmid} back to "pre"`, vm.snapshotRollback('pre'));
    log(`  memory after the rollback: ${(await vm.configGet()).memory} MiB`);
  } finally {
    await step(`delete VM ${cloneId} on ${cloneNode}`, new VM(api, cloneNode, cloneId).delete({ purge: true })).catch((e: unknown) => log(`  ${String(e)}`));
    await step(`delete VM ${vmid}`, vm.delete({ purge: true }));
  }
}

function mem(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
