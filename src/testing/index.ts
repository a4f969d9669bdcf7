/**
 * proxmox-sdk/testing: an in-memory Proxmox VE simulator served over HTTPS on loopback.
 *
 * {@link startSimulator} answers like a three-node Proxmox VE cluster (release 7.4, 8.4 or 9.1):
 * real HTTPS with a test certificate, tickets, CSRF and API tokens, PVE's validation errors and
 * reason phrases, workers with real UPIDs and task logs that run on a clock you control, guest
 * locks, and faults you inject (latency, 503/596, dropped connections, expired tickets, offline
 * nodes, failing tasks). It imports nothing from the SDK, so it catches the SDK's mistakes.
 *
 * What it starts with is `fixtures/simulator/seed.json` (see {@link defaultSeed}): nodes `pve1`,
 * `pve2`, `pve3`; VMs 100, 101 (pve1), 102 (pve2), 103 (pve3) and the template 9000; containers
 * 200 (pve1) and 201 (pve2); storages `local`, `local-lvm`, `nfs-shared` with ISOs, templates and
 * backups; pools `prod` and `lab`; users `root@pam` (password `simulator`, token `root@pam!sim`),
 * `admin@pve`, `auditor@pve` (read-only), `tfa@pve` (TOTP code `123456`); two backup jobs.
 *
 * @example
 * A jest test of your own script, with the SDK pointed at the simulator:
 * ```ts
 * import { ProxmoxAPI, VM } from 'proxmox-sdk';
 * import { startSimulator, type Simulator } from 'proxmox-sdk/testing';
 *
 * let sim: Simulator;
 * beforeAll(async () => { sim = await startSimulator({ clock: { speed: 100 } }); });
 * afterAll(() => sim.close());
 * afterEach(() => { sim.state.reset(); sim.faults.clear(); });
 *
 * test('my nightly snapshot script', async () => {
 *   const api = new ProxmoxAPI({ host: sim.url, tokenId: sim.tokenId, tokenSecret: sim.tokenSecret, tls: { ca: sim.ca } });
 *   await (await new VM(api, 'pve1', 100).snapshotCreate('nightly')).wait();
 *   expect(sim.state.guest(100)?.snapshots.map((s) => s.name)).toContain('nightly');
 * });
 *
 * test('it reports a failed snapshot', async () => {
 *   sim.faults.failNextTask({ type: 'qmsnapshot', error: 'storage full' });
 *   // … expect your script to report the TaskFailedError
 * });
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
