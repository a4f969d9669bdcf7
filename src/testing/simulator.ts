/**
 * `startSimulator()`: a Proxmox VE API on loopback over real HTTPS, backed by an in-memory cluster.
 *
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Auth } from './auth.js';
import { SimClock, type ClockOptions } from './clock.js';
import type { SimContext } from './context.js';
import { Faults } from './faults.js';
import { Router, type Release } from './router.js';
import { allRoutes } from './routes/index.js';
import { defaultSeed, readFixture, type SimSeed } from './seed.js';
import { createHandler, type SimRequest } from './server.js';
import { SimState } from './state.js';
import { TaskManager } from './tasks.js';

/**
 * Options of {@link startSimulator}.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ release: '8.4', clock: { speed: 100 }, latencyMs: 5 });
 * ```
 */
export interface SimulatorOptions {
  /** The Proxmox VE release to behave as (default `'9.1'`): `/version`, routes and shapes follow it. */
  release?: Release;
  /** The cluster to start with (default: `fixtures/simulator/seed.json`, see `defaultSeed()`). */
  seed?: SimSeed;
  /** The port on 127.0.0.1 (default: an ephemeral port). */
  port?: number;
  /** Real milliseconds added to every request (default 0). */
  latencyMs?: number;
  /** The simulated clock: speed, manual mode, start time (default: real time). */
  clock?: ClockOptions;
  /** Simulated durations (ms) by task type, e.g. `{ qmigrate: 60_000 }`. */
  taskDurations?: Record<string, number>;
  /** Called for every request, before it is served (plug a schema checker in here). */
  onRequest?: (req: SimRequest) => void;
  /** The TLS certificate (PEM; default: `fixtures/tls/server-cert.pem`). */
  cert?: string;
  /** The TLS private key (PEM; default: `fixtures/tls/server-key.pem`). */
  key?: string;
}

/**
 * A running simulator: where it listens, how to trust it and log in, and its controls.
 *
 * @example
 * ```ts
 * const sim = await startSimulator();
 * const api = new ProxmoxAPI({ host: sim.url, tokenId: sim.tokenId, tokenSecret: sim.tokenSecret, tls: { ca: sim.ca } });
 * // …
 * await sim.close();
 * ```
 */
export interface Simulator {
  /** The base URL, `https://127.0.0.1:<port>` (the API is under `/api2/json`). */
  readonly url: string;
  /** `127.0.0.1`. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** The SHA-256 fingerprint of its certificate, `AA:BB:…` as `pvenode cert info` prints it. */
  readonly fingerprint: string;
  /** Its certificate (PEM), to trust as a CA. */
  readonly ca: string;
  /** An API token id that works (`root@pam!sim`). */
  readonly tokenId: string;
  /** That token's secret. */
  readonly tokenSecret: string;
  /** A user that can log in with a password (`root@pam`). */
  readonly username: string;
  /** That user's password. */
  readonly password: string;
  /** The release it behaves as. */
  readonly release: Release;
  /** The simulated clock. */
  readonly clock: SimClock;
  /** The simulated cluster (`state.reset()` goes back to the seed). */
  readonly state: SimState;
  /** The workers. */
  readonly tasks: TaskManager;
  /** Fault injection. */
  readonly faults: Faults;
  /** Called for every request; may be set or replaced at any time. */
  onRequest: ((req: SimRequest) => void) | undefined;
  /**
   * Every route it serves, as `{ method, path }` with PVE's path templates.
   *
   * @returns The routes.
   * @example
   * ```ts
   * sim.routes().filter((r) => r.path.startsWith('/pools'));
   * ```
   */
  routes(): Array<{ method: string; path: string }>;
  /**
   * Stops the server, drops its connections and timers, and frees the port.
   *
   * @returns When everything is closed.
   * @example
   * ```ts
   * afterAll(() => sim.close());
   * ```
   */
  close(): Promise<void>;
}

/**
 * Starts a simulated Proxmox VE on 127.0.0.1 over HTTPS, with a seeded three-node cluster.
 * Many can run at once; each is independent.
 *
 * @param options - Release, seed, port, latency, clock, task durations, request hook, TLS.
 * @returns The running simulator.
 * @throws Error when the port is taken or the fixtures cannot be found.
 * @example
 * ```ts
 * import { startSimulator } from 'proxmox-sdk/testing';
 *
 * const sim = await startSimulator({ clock: { speed: 50 } });
 * const res = await fetch(`${sim.url}/api2/json/version`, {
 *   headers: { Authorization: `PVEAPIToken=${sim.tokenId}=${sim.tokenSecret}` },
 * }); // trust sim.ca, or pin sim.fingerprint, in your HTTPS client
 * await sim.close();
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const release: Release = options.release ?? '9.1';
  if (!['7.4', '8.4', '9.1'].includes(release)) throw new TypeError(`release must be '7.4', '8.4' or '9.1', got '${String(release)}'`);
  const seed = structuredClone(options.seed ?? defaultSeed());
  const cert = options.cert ?? readFixture('tls', 'server-cert.pem');
  const key = options.key ?? readFixture('tls', 'server-key.pem');

  const clock = new SimClock(options.clock);
  const authRef: { auth?: Auth } = {};
  const faults = new Faults({ expireTickets: () => authRef.auth?.expireAll() });
  const tasks = new TaskManager(
    clock,
    { outcome: (t) => faults.takeTaskOutcome(t), notReady: () => faults.notReadyFor() },
    options.taskDurations,
  );
  const applySeedFaults = () => {
    for (const n of seed.nodes) if (n.offline) faults.setNodeOffline(n.node);
  };
  // A reset forgets the tasks (and their timers) but leaves timers a test set with clock.at().
  const state = new SimState(seed, () => clock.now(), () => tasks.clear());
  applySeedFaults();
  const auth = new Auth(state, () => clock.seconds());
  authRef.auth = auth;
  const localNode = seed.nodes[0]?.node ?? 'pve1';
  const sim: SimContext = { release, state, tasks, clock, faults, auth, localNode };
  const router = new Router(allRoutes, release);

  const handle: { onRequest: ((req: SimRequest) => void) | undefined } = { onRequest: options.onRequest };
  const server: Server = createServer({ cert, key, keepAlive: true }, createHandler({
    sim, router, latencyMs: Math.max(0, options.latencyMs ?? 0),
    get onRequest() {
      return handle.onRequest;
    },
  }));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {
    // A client that refuses our certificate (a pinning test) is not an error of the simulator.
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const root = seed.users.find((u) => u.userid === 'root@pam') ?? seed.users.find((u) => u.password !== undefined);
  const tokenUser = seed.users.find((u) => (u.tokens?.length ?? 0) > 0);
  const token = tokenUser?.tokens?.[0];
  let closed: Promise<void> | undefined;

  const result: Simulator = {
    url: `https://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    fingerprint: new X509Certificate(cert).fingerprint256,
    ca: cert,
    tokenId: tokenUser && token ? `${tokenUser.userid}!${token.tokenid}` : '',
    tokenSecret: token?.secret ?? '',
    username: root?.userid ?? '',
    password: root?.password ?? '',
    release,
    clock,
    state,
    tasks,
    faults,
    get onRequest() {
      return handle.onRequest;
    },
    set onRequest(fn) {
      handle.onRequest = fn;
    },
    routes: () => router.list(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        clock.close();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections?.();
      });
      return closed;
    },
  };
  return result;
}
