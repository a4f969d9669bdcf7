/**
 * Guest locks as PVE takes them: the config file's flock, held by a worker for its whole run
 * ("can't lock file '…' - got timeout"), and the `lock` key of the config that long operations
 * (migrate, snapshot, rollback, backup) set ("VM 100 is locked (migrate)").
 *
 * @module
 * @internal
 */
import type { SimContext } from './context.js';
import { serverError } from './http-error.js';
import type { GuestState } from './state.js';
import type { SimTask, TaskSpec } from './tasks.js';

/** The flock file PVE uses for a guest's config. */
export function lockFile(g: Pick<GuestState, 'type' | 'vmid'>): string {
  return g.type === 'qemu' ? `/var/lock/qemu-server/lock-${g.vmid}.conf` : `/run/lock/lxc/pve-config-${g.vmid}.lock`;
}

/** Throws PVE's error when the guest is locked (by a config lock or a running worker). */
export function checkLock(g: GuestState, opts: { skiplock?: boolean } = {}): void {
  if (g.busy) throw serverError(`can't lock file '${lockFile(g)}' - got timeout`);
  const lock = g.config.lock;
  if (lock !== undefined && !opts.skiplock) {
    throw serverError(`${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid} is locked (${lock})`);
  }
}

/** How to run a task on a guest. */
export interface GuestTaskSpec extends Omit<TaskSpec, 'node' | 'id' | 'user' | 'finally'> {
  /** Sets this `lock` in the config while the task runs instead of holding the flock. */
  configLock?: string;
  /** Skip the config-lock check (`skiplock`). */
  skiplock?: boolean;
  /** A shared lock (clones of a template): many may run at once, none blocks the others. */
  shared?: boolean;
}

/** Checks the guest's locks, locks it, and starts the task; the lock is released when it ends. */
export function guestTask(sim: SimContext, user: string, g: GuestState, spec: GuestTaskSpec): SimTask {
  const { configLock, skiplock, shared, ...rest } = spec;
  if (!shared) checkLock(g, skiplock ? { skiplock: true } : {});
  else if (g.config.lock !== undefined) checkLock(g);
  const task = sim.tasks.start({
    ...rest,
    node: g.node,
    id: String(g.vmid),
    user,
    finally: () => {
      if (configLock !== undefined) {
        if (g.config.lock === configLock) delete g.config.lock;
      } else if (!shared && g.busy === task.upid) {
        delete g.busy;
      }
    },
  });
  if (configLock !== undefined) g.config.lock = configLock;
  else if (!shared) g.busy = task.upid;
  return task;
}
