/**
 * Runs one client of the overhead comparison alone, for profiling:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts sdk-status-lean 32 5
 *
 * (client id, concurrency, seconds). Prints the client's throughput and CPU per request.
 */
import { overheadClients } from './clients.js';
import { startBenchServer } from './server.js';
import { closedLoop } from './stats.js';

const [id = 'sdk-status-lean', concurrency = '32', seconds = '5'] = process.argv.slice(2);
const server = await startBenchServer({ guests: 10_000, startLatencyMs: 20 });
const clients = overheadClients(server.target);
try {
  const client = clients.find((c) => c.id === id);
  if (!client) throw new Error(`no client ${id}; clients: ${clients.map((c) => c.id).join(', ')}`);
  await closedLoop(client.call, Number(concurrency), 1e9, 500);
  const s = await closedLoop(client.call, Number(concurrency), 1e9, Number(seconds) * 1000);
  console.log(`${id} c=${concurrency}: ${(s.requests / (s.wallMs / 1000)).toFixed(0)} req/s, ${(s.cpuUs / s.requests).toFixed(0)} µs CPU/request`);
} finally {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
}
