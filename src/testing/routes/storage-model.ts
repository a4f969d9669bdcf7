/**
 * Storage status as PVE computes it per node: size, usage (seeded usage plus the volumes the
 * node sees), and whether the storage is active there.
 *
 * @module
 * @internal
 */
import type { SimContext } from '../context.js';
import type { ConfigValue } from '../seed.js';

/** The status of a storage seen from a node (`/nodes/{node}/storage/{storage}/status`). */
export function storageStatus(sim: SimContext, storage: string, node: string): Record<string, unknown> | undefined {
  const cfg = sim.state.storages.get(storage);
  if (!cfg || !sim.state.storageOnNode(storage, node)) return undefined;
  const total = Number(cfg.total ?? 0);
  const volumes = sim.state.volumesOn(storage, node).reduce((sum, v) => sum + v.size, 0);
  const used = Math.min(total, Number(cfg.used ?? 0) + volumes);
  const enabled = Number(cfg.disable ?? 0) === 0;
  const active = enabled && !sim.faults.isNodeOffline(node);
  return {
    type: String(cfg.type),
    content: String(cfg.content ?? ''),
    shared: Number(cfg.shared ?? 0),
    enabled: enabled ? 1 : 0,
    active: active ? 1 : 0,
    total: active ? total : 0,
    used: active ? used : 0,
    avail: active ? total - used : 0,
  };
}

/** The public config of a storage (without the simulator's size fields). */
export function storageConfig(cfg: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(cfg)) if (k !== 'total' && k !== 'used') out[k] = v;
  out.digest = 'bd1a7e2c4f6b8d0e2a4c6e8f0b2d4f6a8c0e2b4d';
  return out;
}
