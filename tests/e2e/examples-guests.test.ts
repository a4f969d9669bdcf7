/**
 * The guest examples run against the simulator (so CI runs them): `main()` of
 * `examples/nightly-snapshots.ts` and `examples/clone-template.ts`, per release, oracle-checked.
 */
import { main as cloneTemplate } from '../../examples/clone-template.js';
import { main as nightly, snapshotName } from '../../examples/nightly-snapshots.js';
import { Container, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

describeEachRelease('examples (guests)', (release) => {
  const ctx = useSimulator(release);

  it('nightly-snapshots: three nights with keep 2 leave the two newest, other snapshots untouched', async () => {
    const nights = ['2024-01-29T02:00:00Z', '2024-01-30T02:00:00Z', '2024-01-31T02:00:00Z'].map((d) => new Date(d));
    for (const now of nights) {
      const outcomes = await nightly(ctx.api, { keep: 2, vmids: [100, 200], now, wait: FAST_WAIT });
      expect(outcomes.map((o) => [o.guest, o.error])).toEqual([
        ['qemu/100@pve1', undefined],
        ['lxc/200@pve1', undefined],
      ]);
    }
    const kept = [snapshotName('nightly', nights[1] as Date), snapshotName('nightly', nights[2] as Date)];
    expect(kept).toEqual(['nightly-20240130-0200', 'nightly-20240131-0200']);
    expect((await new VM(ctx.api, 'pve1', 100).snapshotList()).map((s) => s.name)).toEqual(['pre-upgrade', ...kept]);
    expect((await new Container(ctx.api, 'pve1', 200).snapshotList()).map((s) => s.name)).toEqual(['clean', ...kept]);
  });

  it('nightly-snapshots: every non-template guest by default; a failing guest is reported, the others done', async () => {
    ctx.sim.faults.failNextTask({ type: 'qmsnapshot', error: 'snapshot feature is not available' });
    const outcomes = await nightly(ctx.api, { keep: 1, concurrency: 1, now: new Date('2024-02-01T00:00:00Z'), wait: FAST_WAIT });
    expect(outcomes.map((o) => o.guest).sort()).toEqual(['lxc/200@pve1', 'lxc/201@pve2', 'qemu/100@pve1', 'qemu/101@pve1', 'qemu/102@pve2', 'qemu/103@pve3']);
    expect(outcomes.filter((o) => o.error !== undefined)).toHaveLength(1);
    expect(outcomes.filter((o) => o.created === 'nightly-20240201-0000')).toHaveLength(5);
  });

  it('clone-template: five clones of the template, three at a time, started', async () => {
    const lines: string[] = [];
    const outcomes = await cloneTemplate(ctx.api, {
      node: 'pve1', template: 9000, count: 5, name: 'web', concurrency: 3, start: true, wait: FAST_WAIT, log: (l) => lines.push(l),
    });
    expect(outcomes).toEqual([104, 105, 106, 107, 108].map((vmid) => ({ vmid, name: `web-${vmid}` })));
    for (const { vmid } of outcomes) {
      expect(await new VM(ctx.api, 'pve1', vmid).status()).toMatchObject({ status: 'running', name: `web-${vmid}` });
    }
    expect(lines[0]).toBe('cloning 9000 into 104, 105, 106, 107, 108 (3 at once)');
    // The clones overlapped, but never more than three at once (start/end in simulated seconds).
    const clones = ctx.sim.tasks.list().filter((t) => t.type === 'qmclone');
    expect(clones).toHaveLength(5);
    const overlap = (at: number) => clones.filter((t) => t.starttime <= at && at < (t.endtime ?? Infinity)).length;
    const most = Math.max(...clones.map((t) => overlap(t.starttime)));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
  });

  it('clone-template: full clones onto a storage; a source that is not a template goes one at a time', async () => {
    const lines: string[] = [];
    const outcomes = await cloneTemplate(ctx.api, {
      node: 'pve1', template: 101, count: 2, clone: { full: true, storage: 'local-lvm' }, concurrency: 4, wait: FAST_WAIT, log: (l) => lines.push(l),
    });
    expect(outcomes.every((o) => o.error === undefined)).toBe(true);
    expect(lines[0]).toBe('VM 101 is not a template: cloning one at a time');
    expect(String((await new VM(ctx.api, 'pve1', outcomes[0]?.vmid ?? 0).configGet()).scsi0)).toMatch(/^local-lvm:vm-\d+-disk-0/);
  });
});
