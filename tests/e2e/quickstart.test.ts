import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../../src/index.js';
import { main } from '../../examples/quickstart.js';
import { startSimulator } from '../../src/testing/index.js';
import { RELEASES } from '../support/oracle.js';
import { useSimulator } from './guest-sim.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe.each(RELEASES)('quickstart tour on %s', (release) => {
  const ctx = useSimulator(release);

  test('read only: shows the cluster and sends nothing but GETs', async () => {
    const methods = new Set<string>();
    ctx.api.on('request', (e) => methods.add(e.method));
    const lines: string[] = [];
    const summary = await main(ctx.api, { log: (l) => lines.push(l) });
    ctx.api.removeAllListeners('request');
    expect([...methods]).toEqual(['GET']);
    expect(summary.version.startsWith(release)).toBe(true);
    expect(summary.nodes).toEqual(['pve1 (online)', 'pve2 (online)', 'pve3 (online)']);
    expect(summary.steps).toEqual([]);
    expect(lines.join('\n')).toMatch(/web01/);
  });

  test('write: every step runs, the clone is migrated with its log shown, and nothing is left behind', async () => {
    const cluster = new Cluster(ctx.api);
    const before = (await cluster.resources({ type: 'vm' })).map((g) => g.vmid).sort();
    const lines: string[] = [];
    const summary = await main(ctx.api, { write: true, log: (l) => lines.push(l) });
    expect(summary.steps).toEqual([
      'create VM 104 on pve1', 'snapshot VM 104 as "pre"', 'clone VM 104 to 105', 'migrate VM 105 from pve1 to pve2',
      'roll VM 104 back to "pre"', 'delete VM 105 on pve2', 'delete VM 104',
    ]);
    expect(lines).toContain('    TASK OK');
    expect(lines.join('\n')).toMatch(/starting migration of VM 105 to node 'pve2'/);
    expect(lines).toContain('  memory after the rollback: 1024 MiB');
    expect((await cluster.resources({ type: 'vm' })).map((g) => g.vmid).sort()).toEqual(before);
  });
});

test('npm run demo: runs the tour on its own simulator, exits 0 and ends with a summary', () => {
  const env = { ...process.env };
  delete env['PROXMOX_HOST'];
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^Summary: Proxmox VE 9\.1\.\d+; nodes pve1 \(online\), pve2 \(online\), pve3 \(online\); 7 guests$/m);
  expect(run.stdout).toMatch(/^Did: create VM 104 on pve1; .*delete VM 104\.$/m);
});

test('the demo against a cluster from PROXMOX_* says which variable is missing', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
    cwd: root, env: { ...process.env, PROXMOX_HOST: '127.0.0.1:1', PROXMOX_TOKEN_ID: undefined, PROXMOX_TOKEN_SECRET: undefined }, encoding: 'utf8', timeout: 60_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^demo failed: no credential: set PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET/);
});

describe('the demo against a cluster named by PROXMOX_*', () => {
  async function demo(args: string[]): Promise<{ status: number | null; stdout: string; methods: Set<string> }> {
    const methods = new Set<string>();
    const sim = await startSimulator({ clock: { speed: 200 }, onRequest: (r) => methods.add(r.method) });
    try {
      const env = { ...process.env, PROXMOX_HOST: sim.url, PROXMOX_TOKEN_ID: sim.tokenId, PROXMOX_TOKEN_SECRET: sim.tokenSecret, PROXMOX_FINGERPRINT: sim.fingerprint };
      const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts', ...args], { cwd: root, env });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      const status = await new Promise<number | null>((done) => child.on('close', done));
      return { status, stdout, methods };
    } finally {
      await sim.close();
    }
  }

  test('is read only without --write', async () => {
    const run = await demo([]);
    expect(run.status).toBe(0);
    expect([...run.methods]).toEqual(['GET']);
    expect(run.stdout).toMatch(/^Read only: nothing was changed\.$/m);
  });

  test('writes with --write', async () => {
    const run = await demo(['--write']);
    expect(run.status).toBe(0);
    expect([...run.methods].sort()).toEqual(['DELETE', 'GET', 'POST', 'PUT']);
    expect(run.stdout).toMatch(/^Did: create VM 104 on pve1; /m);
  });
});
