import {
  check, ctVolumeSchema, diskSizeSchema, nodeSchema, poolIdSchema, snapshotNameSchema, storageIdSchema, vmDiskSchema, vmidSchema,
} from '../../src/resources/validate.js';

describe('check', () => {
  test.each([100, 101, 999_999_999])('accepts vmid %p', (v) => {
    expect(check('vmid', vmidSchema, v)).toBe(v);
  });
  test.each([99, 1_000_000_000, 100.5, '100', NaN])('rejects vmid %p naming the argument', (v) => {
    expect(() => check('vmid', vmidSchema, v)).toThrow(new TypeError(`vmid must be an integer from 100 to 999999999, got ${typeof v === 'string' ? '"100"' : String(v)}`));
  });
  test.each(['pve1', 'node-a', 'a'])('accepts node %p', (v) => expect(check('node', nodeSchema, v)).toBe(v));
  test.each(['', '-pve', 'pve_1', 'pve.lan', 'a'.repeat(64)])('rejects node %p', (v) => {
    expect(() => check('node', nodeSchema, v)).toThrow(/^node must be a node name/);
  });
  test.each(['pre', 'nightly_2026-11-22', 'a1'])('accepts snapshot %p', (v) => expect(check('snapname', snapshotNameSchema, v)).toBe(v));
  test.each(['a', '1st', 'pre upgrade', 'x'.repeat(41), 'pré'])('rejects snapshot %p', (v) => {
    expect(() => check('snapname', snapshotNameSchema, v)).toThrow(/^snapname must be a snapshot name/);
  });
  test.each(['local', 'local-lvm', 'nfs.backup', 'ceph_pool1'])('accepts storage %p', (v) => expect(check('storage', storageIdSchema, v)).toBe(v));
  test.each(['1local', 'local-', 'lo cal', ''])('rejects storage %p', (v) => {
    expect(() => check('storage', storageIdSchema, v)).toThrow(/^storage must be a storage id/);
  });
  test.each(['dev', 'team/web', 'a_b-c'])('accepts pool %p', (v) => expect(check('poolid', poolIdSchema, v)).toBe(v));
  test.each(['', 'a b', 'x'.repeat(65)])('rejects pool %p', (v) => expect(() => check('poolid', poolIdSchema, v)).toThrow(/^poolid must be a pool id/));
  test.each(['32G', '+512M', '10.5G', '1024', '+1T'])('accepts size %p', (v) => expect(check('size', diskSizeSchema, v)).toBe(v));
  test.each(['32GB', '-1G', '1.G', 'G', ' 1G'])('rejects size %p', (v) => expect(() => check('size', diskSizeSchema, v)).toThrow(/^size must be a size like/));
  test.each(['scsi0', 'scsi30', 'virtio15', 'ide3', 'sata5', 'efidisk0', 'tpmstate0'])('accepts VM disk %p', (v) => expect(check('disk', vmDiskSchema, v)).toBe(v));
  test.each(['scsi31', 'virtio16', 'ide4', 'net0', 'rootfs', 'scsi01'])('rejects VM disk %p', (v) => expect(() => check('disk', vmDiskSchema, v)).toThrow(/^disk must be a VM disk/));
  test.each(['rootfs', 'mp0', 'mp255', 'mp99'])('accepts container volume %p', (v) => expect(check('disk', ctVolumeSchema, v)).toBe(v));
  test.each(['mp256', 'scsi0', 'mp01'])('rejects container volume %p', (v) => expect(() => check('disk', ctVolumeSchema, v)).toThrow(/^disk must be a container volume/));
  test('an ad-hoc schema reports zod\'s message', () => {
    expect(() => check('n', vmidSchema.max(200), 300)).toThrow(/^n must be .*got 300$/);
  });
});

describe('check: the fast path of vmid and node agrees with the schema', () => {
  const vmids: unknown[] = [
    100, 101, 999_999_999, 99, 1_000_000_000, 0, -0, -100, 100.5, 99.999, 100.0000001, 1e9, 1e8, Number.MAX_SAFE_INTEGER, 2 ** 53,
    NaN, Infinity, -Infinity, '100', '', null, undefined, true, 100n, [100], { valueOf: () => 100 }, new Number(100),
  ];
  test.each(vmids.map((v) => [v]))('vmid %p', (v) => {
    const zod = vmidSchema.safeParse(v);
    if (zod.success) expect(check('vmid', vmidSchema, v)).toBe(zod.data);
    else expect(() => check('vmid', vmidSchema, v)).toThrow(/^vmid must be an integer from 100 to 999999999, got /);
  });
  const nodes: unknown[] = [
    'pve1', 'a', 'A', '0', 'node-a', 'Node-01', 'a'.repeat(63), 'a'.repeat(64), '', '-', '-pve', 'pve-', 'pve_1', 'pve.lan',
    'pve 1', ' pve', 'pve\n', 'pve1\n', 'pvé', 'a--b', 'a\u0000', 1, null, undefined, ['pve1'], new String('pve1'),
  ];
  test.each(nodes.map((v) => [v]))('node %p', (v) => {
    const zod = nodeSchema.safeParse(v);
    if (zod.success) expect(check('node', nodeSchema, v)).toBe(zod.data);
    else expect(() => check('node', nodeSchema, v)).toThrow(/^node must be a node name/);
  });
});
