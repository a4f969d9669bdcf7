/**
 * Clone a template into N VMs, a few at a time, waiting for each clone's task (and optionally
 * starting each clone).
 *
 *   PROXMOX_HOST=pve1 PROXMOX_TOKEN_ID='root@pam!ci' PROXMOX_TOKEN_SECRET=… \
 *     npx tsx examples/clone-template.ts --node pve1 --template 9000 --count 5 [--name web] \
 *       [--concurrency 3] [--full --storage local-lvm] [--pool prod] [--start]
 *
 * The new ids come from `cluster.nextId()` and upward, skipping ids in use. Clones of a template
 * share its lock, so they run in parallel; a source that is not a template is cloned one at a time
 * (each clone holds its lock). A clone that fails does not stop the others.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Cluster, ProxmoxAPI, VM, type VMCloneOptions, type WaitOptions } from '../src/index.js';
import pLimit from 'p-limit';

/** What to clone. */
export interface CloneTemplateOptions {
  /** The node the template is on. */
  node: string;
  /** The template's id. */
  template: number;
  /** How many clones. */
  count: number;
  /** Clone names are `<name>-<vmid>` (default `clone`). */
  name?: string;
  /** Clones at once (default 2). */
  concurrency?: number;
  /** Options of each clone: `full`, `storage`, `pool`, `target`, … (`name` is set per clone). */
  clone?: Omit<VMCloneOptions, 'name'>;
  /** Start each clone once it is made. */
  start?: boolean;
  /** How to wait for each task. */
  wait?: WaitOptions;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What happened to one clone. */
export interface CloneOutcome {
  /** The new VM's id. */
  vmid: number;
  /** Its name. */
  name: string;
  /** Why it failed, if it did. */
  error?: string;
}

/** `count` free ids from `cluster.nextId()` upward. */
async function freeIds(api: ProxmoxAPI, count: number): Promise<number[]> {
  const cluster = new Cluster(api);
  const used = new Set((await cluster.resources({ type: 'vm' })).map((r) => r.vmid));
  const ids: number[] = [];
  for (let id = await cluster.nextId(); ids.length < count; id++) if (!used.has(id)) ids.push(id);
  return ids;
}

/**
 * Clones the template `count` times with bounded concurrency, waiting for each task.
 *
 * @param api - The session.
 * @param opts - The template, how many, names, concurrency, clone options.
 * @returns One outcome per clone, in id order.
 */
export async function main(api: ProxmoxAPI, opts: CloneTemplateOptions): Promise<CloneOutcome[]> {
  const { node, template, count, name = 'clone', wait = {}, log = () => {} } = opts;
  if (!Number.isInteger(count) || count < 1) throw new TypeError(`count must be an integer ≥ 1, got ${count}`);
  const source = new VM(api, node, template);
  const isTemplate = (await source.status()).template === true;
  const concurrency = isTemplate ? (opts.concurrency ?? 2) : 1;
  if (!isTemplate) log(`VM ${template} is not a template: cloning one at a time`);

  const ids = await freeIds(api, count);
  log(`cloning ${template} into ${ids.join(', ')} (${concurrency} at once)`);
  return pLimit(concurrency).map(ids, async (vmid): Promise<CloneOutcome> => {
    const outcome: CloneOutcome = { vmid, name: `${name}-${vmid}` };
    try {
      await (await source.clone(vmid, { ...opts.clone, name: outcome.name })).wait(wait);
      if (opts.start) await (await new VM(api, opts.clone?.target ?? node, vmid).start()).wait(wait);
      log(`${outcome.name} (${vmid}) ready`);
    } catch (err) {
      outcome.error = err instanceof Error ? err.message : String(err);
      log(`${outcome.name} (${vmid}): FAILED: ${outcome.error}`);
    }
    return outcome;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      node: { type: 'string' }, template: { type: 'string' }, count: { type: 'string', default: '1' },
      name: { type: 'string', default: 'clone' }, concurrency: { type: 'string', default: '2' },
      full: { type: 'boolean', default: false }, storage: { type: 'string' }, pool: { type: 'string' },
      start: { type: 'boolean', default: false },
    },
  });
  if (values.node === undefined || values.template === undefined) {
    console.error('usage: clone-template.ts --node <node> --template <vmid> --count <n> [--name p] [--concurrency n] [--full] [--storage s] [--pool p] [--start]');
    process.exit(2);
  }
  const clone: Omit<VMCloneOptions, 'name'> = {
    ...(values.full ? { full: true } : {}),
    ...(values.storage !== undefined ? { storage: values.storage } : {}),
    ...(values.pool !== undefined ? { pool: values.pool } : {}),
  };
  const api = ProxmoxAPI.fromEnv();
  main(api, {
    node: values.node, template: Number(values.template), count: Number(values.count), name: values.name,
    concurrency: Number(values.concurrency), clone, start: values.start, log: (line) => console.log(line),
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
