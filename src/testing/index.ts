/**
 * proxmox-sdk/testing: an in-memory Proxmox VE simulator served over HTTPS on loopback.
 *
 * Start one with {@link startSimulator}; it answers like a three-node Proxmox VE cluster (7.4, 8.4
 * or 9.1), runs tasks on a clock you control, and lets a test inject faults.
 *
 * @example
 * ```ts
 * import { startSimulator } from 'proxmox-sdk/testing';
 *
 * const sim = await startSimulator({ clock: { speed: 100 } });
 * // point your client at sim.url with sim.tokenId / sim.tokenSecret, trusting sim.ca
 * await sim.close();
 * ```
 *
 * @packageDocumentation
 */
export { startSimulator } from './simulator.js';
export type { Simulator, SimulatorOptions } from './simulator.js';
export type { SimRequest } from './server.js';
export { SimClock } from './clock.js';
export type { ClockOptions } from './clock.js';
export { Faults } from './faults.js';
export type { FailSpec, RequestMatcher, TaskMatcher } from './faults.js';
export { TaskManager } from './tasks.js';
export type { SimTask, ForcedOutcome } from './tasks.js';
export { SimState } from './state.js';
export type { GuestState, NodeState, SnapshotState, VolumeState } from './state.js';
export { defaultSeed } from './seed.js';
export type {
  ConfigValue, SeedFirewallRule, SeedGuest, SeedNode, SeedSnapshot, SeedStorage, SeedUser, SeedVolume, SimSeed,
} from './seed.js';
export type { Release } from './router.js';
