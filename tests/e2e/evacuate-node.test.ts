/**
 * The evacuate-node example runs against the simulator (so CI runs it): `main()` of
 * `examples/evacuate-node.ts`, per release, oracle-checked.
 */
import { main as evacuate } from '../../examples/evacuate-node.js';
import { Cluster, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

describeEachRelease('examples (evacuate-node)', (release) => {
  const ctx = useSimulator(release);

  const running = async (node: string): Promise<string[]> =>
    (await new Cluster(ctx.api).resources({ type: 'vm' }))
      .filter((r) => r.node === node && r.status === 'running')
      .map((r) => `${r.type}/${r.vmid}`)
      .sort();

  it('moves every running guest off the node, two at a time, with the task logs as progress', async () => {
    await (await new VM(ctx.api, 'pve1', 101).start()).wait(FAST_WAIT);
    expect(await running('pve1')).toEqual(['lxc/200', 'qemu/100', 'qemu/101']);

    const lines: string[] = [];
    const outcomes = await evacuate(ctx.api, { node: 'pve1', concurrency: 2, withLocalDisks: true, wait: FAST_WAIT, log: (l) => lines.push(l) });

    expect(outcomes.map((o) => o.guest).sort()).toEqual(['lxc/200', 'qemu/100', 'qemu/101']);
    expect(await running('pve1')).toEqual([]);
    for (const o of outcomes) expect(await running(o.target)).toContain(o.guest);
    // Biggest first, each to the node with the most free memory left: pve2 (48 GiB free) takes 101
    // (8 GiB) and still has more than pve3 (26 GiB), so it takes 100 too; then pve2 again.
    expect(outcomes).toEqual([
      { guest: 'qemu/101', target: 'pve2' },
      { guest: 'qemu/100', target: 'pve2' },
      { guest: 'lxc/200', target: 'pve2' },
    ]);

    expect(lines[0]).toBe('pve1: 3 running guest(s) to move to pve2, pve3, 2 at a time');
    // The migration task logs, line by line, prefixed with the guest.
    expect(lines.some((l) => /^qemu\/100: .*starting migration of VM 100 to node 'pve2'/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('lxc/200: ') && !l.includes('→'))).toBe(true);
    expect(lines.filter((l) => l.endsWith(': done'))).toHaveLength(3);

    // Never more than two migrations at once (start/end in simulated seconds).
    const migrations = ctx.sim.tasks.list().filter((t) => t.type === 'qmigrate' || t.type === 'vzmigrate');
    expect(migrations).toHaveLength(3);
    const overlap = (at: number) => migrations.filter((t) => t.starttime <= at && at < (t.endtime ?? Infinity)).length;
    expect(Math.max(...migrations.map((t) => overlap(t.starttime)))).toBeLessThanOrEqual(2);
  });

  it('a failed migration is reported and the others still happen', async () => {
    ctx.sim.faults.failNextTask({ type: 'vzmigrate', error: 'migration aborted: target storage full' });
    const lines: string[] = [];
    const outcomes = await evacuate(ctx.api, { node: 'pve1', targets: ['pve3'], withLocalDisks: true, wait: FAST_WAIT, log: (l) => lines.push(l) });
    expect(outcomes).toEqual([
      { guest: 'qemu/100', target: 'pve3' },
      { guest: 'lxc/200', target: 'pve3', error: expect.stringContaining('migration aborted: target storage full') as unknown as string },
    ]);
    expect(lines).toContain('lxc/200 → pve3: FAILED: ' + outcomes[1]?.error);
    expect(await running('pve1')).toEqual(['lxc/200']);
  });

  it('dry run plans without migrating; unknown nodes and offline targets are refused', async () => {
    const outcomes = await evacuate(ctx.api, { node: 'pve1', dryRun: true });
    expect(outcomes.map((o) => o.guest)).toEqual(['qemu/100', 'lxc/200']);
    expect(ctx.sim.tasks.list().filter((t) => t.type === 'qmigrate')).toHaveLength(0);
    await expect(evacuate(ctx.api, { node: 'pve9' })).rejects.toThrow(/node must be a node of the cluster/);
    ctx.sim.faults.setNodeOffline('pve3');
    await expect(evacuate(ctx.api, { node: 'pve1', targets: ['pve3'] })).rejects.toThrow('targets not online (or the node itself): pve3');
  });
});
