/**
 * `GuestStatusSchema` names the fields a running guest's status passes through unchecked
 * (`blockstat`, `nics`, `pressure*`, …) so that zod copies them on its generated parser instead of
 * its catchall loop. That must change nothing but speed: the same data, the same success, the
 * same issues as the schema before (the loose summary plus `vmid`, `ha`, `agent`, `spice`), on
 * status bodies of 7.4, 8.4 and 9.1, with unknown fields, numbers sent as strings and bad values.
 */
import { z } from 'zod';
import { GuestStatusSchema, GuestSummarySchema } from '../../src/resources/schemas/guest.js';
import { looseBoolean, looseNumber } from '../../src/resources/schemas/loose.js';
import { objectOf } from '../../src/resources/schemas/list.js';

/** The schema as it was before the pass-through fields were named. */
const before = GuestSummarySchema.extend({
  vmid: looseNumber.optional(),
  ha: z.looseObject({ managed: looseNumber.optional(), state: z.string().optional() }).optional(),
  agent: looseBoolean.optional(),
  spice: looseBoolean.optional(),
});

const blockstat = {
  scsi0: { rd_bytes: 14_610_432_000, wr_bytes: 52_428_800_000, rd_operations: 412_312, failed_rd_operations: 0, account_invalid: true, timed_stats: [] },
};
const ballooninfo = { actual: 8_589_934_592, max_mem: 8_589_934_592, total_mem: 8_339_247_104, free_mem: 4_912_730_112, last_update: 1_735_689_600 };
const support = { 'pbs-dirty-bitmap': true, 'pbs-library-version': '1.4.1 (UNKNOWN)', 'backup-max-workers': true };

const bodies: Record<string, unknown> = {
  '7.4 running VM': {
    status: 'running', vmid: 100, name: 'web01', qmpstatus: 'running', pid: 1234, uptime: 3600, cpus: 2, cpu: 0.01,
    maxmem: 2_147_483_648, mem: 1_073_741_824, freemem: 536_870_912, balloon: 2_147_483_648, ballooninfo,
    maxdisk: 34_359_738_368, disk: 0, diskread: 1, diskwrite: 2, netin: 3, netout: 4, nics: { tap100i0: { netin: 3, netout: 4 } },
    blockstat, ha: { managed: 0 }, agent: 1, 'running-machine': 'pc-i440fx-7.2+pve0', 'running-qemu': '7.2.0',
    'proxmox-support': support,
  },
  '8.4 running VM (the benchmark server\'s)': {
    vmid: 100, name: 'vm-100', status: 'running', qmpstatus: 'running', pid: 10_100, uptime: 356_712, cpus: 4, cpu: 0.0274,
    maxmem: 8_589_934_592, mem: 3_427_280_512, freemem: 4_912_730_112, balloon: 8_589_934_592, ballooninfo,
    maxdisk: 68_719_476_736, disk: 0, diskread: 14_610_432_000, diskwrite: 52_428_800_000, netin: 654_160_384, netout: 325_324_800,
    nics: { tap100i0: { netin: 654_160_384, netout: 325_324_800 } }, blockstat, ha: { managed: 0 }, agent: 1,
    'running-machine': 'pc-i440fx-9.0+pve0', 'running-qemu': '9.0.2', 'proxmox-support': support, tags: 'bench;prod',
  },
  '9.1 running VM, HA-managed, SPICE, clipboard': {
    status: 'running', vmid: 101, name: 'db01', qmpstatus: 'running', pid: 4321, uptime: 86_400, cpus: 8, cpu: 0.2,
    maxmem: 17_179_869_184, mem: 8_589_934_592, memhost: 9_000_000_000, freemem: 8_589_934_592, balloon: 17_179_869_184, ballooninfo,
    maxdisk: 1, disk: 0, diskread: 5, diskwrite: 6, netin: 7, netout: 8, nics: {}, blockstat,
    pressurecpusome: 0.12, pressurecpufull: 0.01, pressureiosome: 0, pressureiofull: 0, pressurememorysome: 0, pressurememoryfull: 0,
    ha: { managed: 1, state: 'started', group: 'prod' }, agent: '1', spice: 1, clipboard: 'vnc', serial: 1, template: 0,
    'running-machine': 'pc-q35-10.0+pve1', 'running-qemu': '10.0.2', 'proxmox-support': support, lock: 'backup', tags: 'db',
  },
  '9.1 running container, numbers as strings': {
    vmid: '200', name: 'dns01', type: 'lxc', status: 'running', uptime: '120', cpus: '1', cpu: '0.003', maxmem: '536870912',
    mem: '1048576', maxswap: '536870912', swap: '0', maxdisk: '8589934592', disk: '1073741824', diskread: '1', diskwrite: '2',
    netin: '3', netout: '4', pid: '999', pressurecpusome: '0.5', pressureiosome: '0', pressureiofull: '0',
    pressurememorysome: '0', pressurememoryfull: '0', ha: { managed: '0' }, template: '0',
  },
  '8.4 stopped VM': {
    status: 'stopped', vmid: 102, name: 'off', qmpstatus: 'stopped', uptime: 0, cpus: 1, cpu: 0, maxmem: 1, mem: 0, maxdisk: 1, disk: 0,
    diskread: 0, diskwrite: 0, netin: 0, netout: 0, ha: { managed: 0 }, template: 1,
  },
  'pass-through fields of odd types, and fields no release sends': {
    status: 'running', freemem: '4096', balloon: null, ballooninfo: 'x', nics: [1, 2], blockstat: 0, memhost: { a: 1 },
    'running-machine': 7, 'running-qemu': false, 'proxmox-support': [], pressurecpusome: 'n/a', pressurememoryfull: null,
    future: { nested: [1, { deep: true }] }, 'odd-key': 'value', vmid: '103',
  },
  'pass-through fields before the named ones, unknown fields between': {
    blockstat, zzz: 1, nics: {}, aaa: 'a', freemem: 1, status: 'running', 'running-qemu': '9.0.2', vmid: 104,
  },
  'no status (fails)': { vmid: 100, blockstat, freemem: 1 },
  'bad values (fails)': { status: 'running', uptime: 'abc', agent: {}, ha: { managed: 'x' }, blockstat, nics: {} },
  'not an object (fails)': 'running',
  'null (fails)': null,
};

describe('GuestStatusSchema with its pass-through fields named', () => {
  it.each(Object.entries(bodies))('parses %s as the schema before did', (_name, body) => {
    const now = GuestStatusSchema.safeParse(body);
    const then = before.safeParse(body);
    expect(now.success).toBe(then.success);
    if (now.success && then.success) {
      expect(now.data).toStrictEqual(then.data);
      expect(Object.keys(now.data).sort()).toEqual(Object.keys(then.data).sort());
    } else {
      const issues = (r: typeof then) => (r.success ? [] : r.error.issues.map(({ code, path, message }) => ({ code, path, message })));
      expect(issues(now)).toEqual(issues(then));
    }
  });

  it('keeps the key order the catchall gave when the pass-through fields arrive in the usual order', () => {
    for (const name of ['7.4 running VM', '8.4 running VM (the benchmark server\'s)', '9.1 running container, numbers as strings', '8.4 stopped VM']) {
      expect(JSON.stringify(GuestStatusSchema.parse(bodies[name]))).toBe(JSON.stringify(before.parse(bodies[name])));
    }
  });

  it('copies the pass-through values as they are: not coerced, not copied', () => {
    const body = bodies['pass-through fields of odd types, and fields no release sends'] as Record<string, unknown>;
    const parsed = GuestStatusSchema.parse(body);
    expect(parsed.freemem).toBe('4096');
    expect(parsed.balloon).toBeNull();
    expect(parsed.nics).toBe(body.nics);
    expect(parsed.vmid).toBe(103);
  });
});

describe('objectOf(GuestStatusSchema), what vm.status() parses with', () => {
  const fast = objectOf(GuestStatusSchema);

  it.each(Object.entries(bodies))('gives what the schema gives on %s: same fields, values and issues', (_name, body) => {
    const input: unknown = structuredClone(body);
    const quick = fast.safeParse(input);
    const full = GuestStatusSchema.safeParse(structuredClone(body));
    expect(quick.success).toBe(full.success);
    if (quick.success && full.success) {
      expect(quick.data).toStrictEqual(full.data);
    } else {
      const issues = (r: typeof full) => (r.success ? [] : r.error.issues.map(({ code, path, message }) => ({ code, path, message })));
      expect(issues(quick)).toEqual(issues(full));
    }
  });

  it('returns a status that already has the output types itself, its 0/1 flags turned to booleans', () => {
    const body = structuredClone(bodies['9.1 running VM, HA-managed, SPICE, clipboard']) as Record<string, unknown>;
    body.agent = 1;
    const parsed = fast.parse(body);
    expect(parsed).toBe(body);
    expect(parsed.agent).toBe(true);
    expect(parsed.spice).toBe(true);
    expect(parsed.template).toBe(false);
    expect(parsed.ha).toStrictEqual({ managed: 1, state: 'started', group: 'prod' });
    // The order Proxmox sent, where zod puts its declared fields first.
    expect(Object.keys(parsed)).toEqual(Object.keys(bodies['9.1 running VM, HA-managed, SPICE, clipboard'] as object));
  });

  it('leaves numbers sent as strings, and flags sent as text, to zod', () => {
    const containerBody = structuredClone(bodies['9.1 running container, numbers as strings']);
    const parsed = fast.parse(containerBody);
    expect(parsed).not.toBe(containerBody);
    expect(parsed.uptime).toBe(120);
    expect(parsed.ha).toStrictEqual({ managed: 0 });
    const withText = { status: 'running', agent: 'on' };
    expect(fast.parse(withText).agent).toBe(true);
  });

  it('leaves what is not a plain object to zod: a class instance, a null-prototype object', () => {
    class Status {
      status = 'running';
      agent = 1;
    }
    const instance = new Status();
    const fromInstance = fast.parse(instance);
    expect(fromInstance).not.toBe(instance);
    expect(Object.getPrototypeOf(fromInstance)).toBe(Object.prototype);
    expect(fromInstance).toStrictEqual({ status: 'running', agent: true });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { status: 'stopped', template: 0 });
    const fromBare = fast.parse(bare);
    expect(fromBare).not.toBe(bare);
    expect(fromBare).toStrictEqual({ status: 'stopped', template: false });
  });

  it('matches the schema on random statuses (types swapped, fields dropped, flags half-converted)', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const values = ['', 'x', '12', '1', 'yes', '0', 0, 1, 2, 0.5, true, false, null, [], {}, { managed: 1 }, { managed: '1' }, { state: 3 }];
    const keys = [...Object.keys(GuestStatusSchema.shape), 'extra'];
    const base = bodies['8.4 running VM (the benchmark server\'s)'];
    for (let n = 0; n < 400; n++) {
      const body = structuredClone(base) as Record<string, unknown>;
      for (let k = 0; k < 3; k++) {
        const key = pick(keys);
        if (random() < 0.2) delete body[key];
        else body[key] = pick(values);
      }
      const quick = fast.safeParse(structuredClone(body));
      const full = GuestStatusSchema.safeParse(structuredClone(body));
      expect(quick.success).toBe(full.success);
      if (quick.success && full.success) expect(quick.data).toStrictEqual(full.data);
      else expect(quick.error?.issues).toEqual(full.error?.issues);
    }
  });
});
