/**
 * Pool end to end against the simulator of each release: 8.4 and 9.1 serve `/pools` with `poolid`,
 * 7.4 only `/pools/{poolid}`; the oracle checks that each release is sent the route it has.
 */
import { NotFoundError, Pool, ServerError, UnsupportedError, type PoolMember } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { useSimulator } from './guest-sim.js';

/** Guests as `qemu/100`, storages (listed once per node, `storage/pve1/local`) once as `storage/local`. */
const ids = (members: PoolMember[]): string[] =>
  [...new Set(members.map((m) => (m.type === 'storage' ? `storage/${String(m.storage)}` : m.id)))].sort();

describeEachRelease('Pool e2e', (release) => {
  const ctx = useSimulator(release);
  const pool = (id: string): Pool => new Pool(ctx.api, id);

  it('list()', async () => {
    const pools = await Pool.list(ctx.api);
    expect(pools.map((p) => p.poolid).sort()).toEqual(['lab', 'prod']);
    expect(pools.find((p) => p.poolid === 'prod')?.comment).toBe('Production services');
  });

  it('get() and members({ type })', async () => {
    const prod = await pool('prod').get();
    expect(prod).toMatchObject({ poolid: 'prod', comment: 'Production services' });
    expect(ids(prod.members)).toEqual(['lxc/200', 'qemu/100', 'qemu/101', 'storage/nfs-shared']);
    const vms = await pool('prod').members({ type: 'qemu' });
    expect(vms.map((m) => m.vmid)).toEqual([100, 101]);
    expect(vms[0]).toMatchObject({ node: 'pve1', type: 'qemu' });
  });

  it('create() → update() (comment, add, remove) → delete()', async () => {
    const dev = await Pool.create(ctx.api, 'dev', { comment: 'Developers' });
    expect(await dev.get()).toEqual({ poolid: 'dev', comment: 'Developers', members: [] });

    await dev.update({ comment: 'Dev team', vms: [102], storage: ['local'] });
    const after = await dev.get();
    expect(after.comment).toBe('Dev team');
    expect(ids(after.members)).toEqual(['qemu/102', 'storage/local']);

    await expect(dev.delete()).rejects.toThrow(ServerError); // not empty
    await dev.update({ vms: [102], storage: ['local'], delete: true });
    expect(await dev.members()).toEqual([]);
    await dev.delete();
    expect((await Pool.list(ctx.api)).map((p) => p.poolid)).not.toContain('dev');
  });

  it('moving a guest from another pool: allowMove on 8+, UnsupportedError on 7.4', async () => {
    await expect(pool('lab').update({ vms: [100] })).rejects.toThrow(/belongs already to pool 'prod'/);
    const call = pool('lab').update({ vms: [100], allowMove: true });
    if (release === '7.4') {
      await expect(call).rejects.toThrow(UnsupportedError);
    } else {
      await call;
      expect((await pool('lab').members()).map((m) => m.vmid)).toContain(100);
      expect((await pool('prod').members()).map((m) => m.vmid)).not.toContain(100);
    }
  });

  it('nested pools on 8+; UnsupportedError on 7.4', async () => {
    const call = Pool.create(ctx.api, 'prod/web', { comment: 'Web tier' });
    if (release === '7.4') {
      await expect(call).rejects.toThrow('nested pool ids is not supported by Proxmox 7.4 (needs 8.1 or later)');
      return;
    }
    const web = await call;
    await web.update({ vms: [103], allowMove: true });
    expect(await web.get()).toMatchObject({ poolid: 'prod/web', comment: 'Web tier' });
    expect((await web.members()).map((m) => m.vmid)).toEqual([103]);
    await web.update({ vms: [103], delete: true });
    await web.delete();
  });

  it('a missing pool is an error', async () => {
    await expect(pool('ghost').get()).rejects.toThrow(release === '7.4' ? /does not exist/ : NotFoundError);
  });
});
