/**
 * `npm run demo`: the quickstart tour.
 *
 * Without `PROXMOX_HOST` it starts the built-in simulator (a three-node Proxmox VE on loopback, tasks
 * running 20× faster than real time) and runs the whole tour on it, writes included. With
 * `PROXMOX_HOST` and credentials set (see `ProxmoxAPI.fromEnv`) it runs against that cluster, read
 * only unless `--write` is given.
 *
 *   npm run demo                                   # on the simulator
 *   PROXMOX_HOST=pve1 PROXMOX_TOKEN_ID=… PROXMOX_TOKEN_SECRET=… npm run demo [-- --write]
 */
import { parseArgs } from 'node:util';
import { ProxmoxAPI, ProxmoxError } from '../src/index.js';
import { startSimulator } from '../src/testing/index.js';
import { main, type QuickstartSummary } from './quickstart.js';

async function run(): Promise<QuickstartSummary> {
  const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
  if (process.env['PROXMOX_HOST']) {
    const api = ProxmoxAPI.fromEnv();
    try {
      return await main(api, { write: values.write });
    } finally {
      api.close();
    }
  }
  const sim = await startSimulator({ clock: { speed: 20 } });
  console.log(`Simulator: Proxmox VE ${sim.release} at ${sim.url} (certificate ${sim.fingerprint.slice(0, 23)}…)`);
  const api = new ProxmoxAPI({ host: sim.url, tokenId: sim.tokenId, tokenSecret: sim.tokenSecret, tls: { fingerprint: sim.fingerprint } });
  try {
    return await main(api, { write: true });
  } finally {
    api.close();
    await sim.close();
  }
}

const started = Date.now();
run().then(
  (summary) => {
    console.log(`\nSummary: Proxmox VE ${summary.version}; nodes ${summary.nodes.join(', ')}; ${summary.guests} guests`);
    console.log(summary.steps.length > 0 ? `Did: ${summary.steps.join('; ')}.` : 'Read only: nothing was changed.');
    console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  },
  (error: unknown) => {
    console.error(error instanceof ProxmoxError || error instanceof TypeError ? `demo failed: ${error.message}` : error);
    process.exitCode = 1;
  },
);
