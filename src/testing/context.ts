/**
 * What route handlers share: the release, the state, the tasks, the clock, the faults, auth.
 *
 * @module
 * @internal
 */
import type { Auth } from './auth.js';
import type { SimClock } from './clock.js';
import type { Faults } from './faults.js';
import type { Release } from './router.js';
import type { SimState } from './state.js';
import type { TaskManager } from './tasks.js';

/** The simulator internals a handler may use. */
export interface SimContext {
  /** The PVE release being simulated. */
  readonly release: Release;
  /** The cluster state. */
  readonly state: SimState;
  /** The workers. */
  readonly tasks: TaskManager;
  /** The simulated clock. */
  readonly clock: SimClock;
  /** The fault switchboard. */
  readonly faults: Faults;
  /** Tickets and tokens. */
  readonly auth: Auth;
  /** The node this simulated pveproxy runs on. */
  readonly localNode: string;
}
