/**
 * The end-to-end setup of the guest, firewall and example tests: one simulator per release (real
 * HTTPS on loopback, a token, its CA trusted), its requests checked by the schema oracle, state
 * (and task durations) reset before each test, and a fast clock so that tasks end in milliseconds.
 */
import { ProxmoxAPI } from '../../src/index.js';
import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { DEFAULT_DURATIONS } from '../../src/testing/tasks.js';
import { oracleHook, type PveRelease } from '../support/oracle.js';

/** What a test file gets from {@link useSimulator}. */
export interface SimContext {
  /** The running simulator (set in `beforeAll`). */
  sim: Simulator;
  /** A token session on it, trusting its certificate. */
  api: ProxmoxAPI;
}

/** Simulated milliseconds per real one: a 20 s migration takes 100 ms. */
export const SPEED = 200;

/**
 * Starts a simulator of `release` for the enclosing `describe`, plugs the oracle into it, and
 * resets its state before each test.
 */
export function useSimulator(release: PveRelease): SimContext {
  const ctx = {} as SimContext;
  beforeAll(async () => {
    ctx.sim = await startSimulator({ release, clock: { speed: SPEED }, onRequest: oracleHook({ release }) });
    ctx.api = new ProxmoxAPI({ host: ctx.sim.url, tokenId: ctx.sim.tokenId, tokenSecret: ctx.sim.tokenSecret, tls: { ca: ctx.sim.ca } });
  });
  beforeEach(() => {
    ctx.sim.state.reset();
    ctx.sim.faults.clear();
    for (const [type, ms] of Object.entries(DEFAULT_DURATIONS)) ctx.sim.tasks.setDuration(type, ms);
  });
  afterAll(async () => {
    ctx.api?.close();
    await ctx.sim?.close();
  });
  return ctx;
}

/** Fast waits: the simulator's tasks end within a few hundred real milliseconds. */
export const FAST_WAIT = { minDelayMs: 20, maxDelayMs: 100, timeoutMs: 15_000 } as const;
