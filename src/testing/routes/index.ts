/**
 * Every route the simulator serves.
 *
 * @module
 * @internal
 */
import type { Route } from '../router.js';
import { accessRoutes } from './access.js';
import { agentRoutes } from './agent.js';
import { backupRoutes } from './backup.js';
import { clusterRoutes } from './cluster.js';
import { firewallRoutesAll } from './firewall.js';
import { cloneRoutes } from './guest-clone.js';
import { consoleRoutesAll } from './guest-consoles.js';
import { diskRoutesAll } from './guest-disks.js';
import { migrateRoutes } from './guest-migrate.js';
import { powerRoutesAll } from './guest-power.js';
import { snapshotRoutesAll } from './guest-snapshots.js';
import { guestRoutesAll } from './guests.js';
import { nodeRoutes } from './nodes.js';
import { poolRoutes } from './pools.js';
import { storageRoutes } from './storage.js';
import { taskRoutes } from './tasks.js';

/** All routes, for every release (each route says which releases have it). */
export const allRoutes: readonly Route[] = [
  ...accessRoutes,
  ...clusterRoutes,
  ...taskRoutes,
  ...guestRoutesAll,
  ...powerRoutesAll,
  ...snapshotRoutesAll,
  ...cloneRoutes,
  ...migrateRoutes,
  ...diskRoutesAll,
  ...consoleRoutesAll,
  ...firewallRoutesAll,
  ...agentRoutes,
  ...nodeRoutes,
  ...storageRoutes,
  ...poolRoutes,
  ...backupRoutes,
];
