/**
 * Tests of the schema oracle itself, against the real Proxmox schemas. Without the schema files
 * these tests are skipped (the global setup prints one line saying so).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import nock from 'nock';
import { missingNotices } from './global-setup.js';
import { mockApi, versionBody } from './nock.js';
import {
  SchemaViolationError,
  assertRequestConforms,
  currentRelease,
  describeEachRelease,
  failOnViolations,
  oracleHook,
  pendingViolations,
  recordRequest,
  takeViolations,
} from './oracle.js';
import {
  RELEASES,
  checkRequest,
  endpointMethod,
  indexSchema,
  loadSchema,
  matchPath,
  missingSchema,
  parseParams,
  type ParamsInput,
  type Product,
  type Release,
} from './schema.js';
import { checkNamedFormat, splitList } from './formats.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const havePve = RELEASES.every((r) => missingSchema('pve', r) === undefined);
const havePbs = missingSchema('pbs', '4') === undefined;
const itPve = havePve ? it : it.skip;
const itPbs = havePbs ? it : it.skip;
const describePve = havePve ? describe : describe.skip;

function check(release: Release, method: string, p: string, params?: ParamsInput, product: Product = 'pve'): string[] {
  const schema = loadSchema(product, release);
  if (!schema) throw new Error(`no ${product} ${release} schema`);
  return checkRequest(schema, { method, path: p, ...(params !== undefined ? { params } : {}) });
}

/** One violation matching `re`, and only that one. */
function expectOnly(violations: string[], re: RegExp): void {
  expect(violations).toHaveLength(1);
  expect(violations[0]).toMatch(re);
}

function send(
  method: string,
  url: string,
  body?: string,
): Promise<{ status: number; reason: string; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    const req = https.request(url, { method, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', body: data }));
    });
    req.on('error', reject);
    // nock's "no match" is also emitted on its mock socket, sometimes after the request let go of it:
    // without a listener there it is an uncaught error that takes the whole jest worker down.
    req.on('socket', (socket) => socket.on('error', () => undefined));
    req.end(body);
  });
}

afterEach(() => {
  nock.cleanAll();
});

describe('loading the schemas', () => {
  itPve('loads and indexes every PVE release once per worker', () => {
    for (const release of RELEASES) {
      const schema = loadSchema('pve', release);
      expect(schema?.endpoints.get('/nodes/{node}/qemu/{vmid}')).toBeDefined();
      expect(loadSchema('pve', release)).toBe(schema);
    }
  });

  itPbs('loads the PBS schema', () => {
    expect(loadSchema('pbs', '4')?.endpoints.get('/admin/datastore/{store}/snapshots')).toBeDefined();
  });

  it('rejects a release it does not know', () => {
    expect(() => loadSchema('pve', '6.4' as Release)).toThrow(/unknown pve release '6.4'/);
  });

  describe('without the schema directory', () => {
    const saved = process.env.PVE_SCHEMA_DIR;
    const nowhere = path.join(os.tmpdir(), `no-pve-schema-${process.pid}-${Date.now()}`);
    beforeEach(() => {
      process.env.PVE_SCHEMA_DIR = nowhere;
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.PVE_SCHEMA_DIR;
      else process.env.PVE_SCHEMA_DIR = saved;
      jest.restoreAllMocks();
    });

    it('skips the check and says so in exactly one line', () => {
      const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      expect(loadSchema('pve', '9.1')).toBeUndefined();
      expect(loadSchema('pve', '8.4')).toBeUndefined();
      expect(recordRequest({ release: '7.4', method: 'GET', path: '/no/such/path' })).toEqual([]);
      expect(pendingViolations()).toEqual([]);
      expect(write).toHaveBeenCalledTimes(1);
      const line = String(write.mock.calls[0]?.[0]);
      expect(line).toBe(
        `[schema oracle] PVE schema directory not found at ${nowhere} (set PVE_SCHEMA_DIR): ` +
          'requests are NOT checked against the PVE schema.\n',
      );
    });

    it('the global setup says the same line, once per run', () => {
      const fromSetup = missingNotices(REPO_ROOT, { PVE_SCHEMA_DIR: nowhere, PBS_SCHEMA_DIR: path.dirname(nowhere) });
      const pveLine = fromSetup.find(([missing]) => missing === nowhere)?.[1];
      expect(pveLine).toBe(missingSchema('pve', '9.1')?.notice);
    });
  });
});

describe('matching paths', () => {
  const tree = [
    {
      path: '/a',
      info: { GET: {} },
      children: [
        { path: '/a/b', info: { GET: {} } },
        { path: '/a/{x}', info: { GET: {} }, children: [{ path: '/a/{x}/c', info: { POST: {} } }] },
      ],
    },
  ];
  const schema = indexSchema('pve', '9.1', tree);

  it('prefers a literal segment over a parameter segment', () => {
    expect(matchPath(schema, '/a/b')?.endpoint.template).toBe('/a/b');
    expect(matchPath(schema, '/a/z')).toMatchObject({ endpoint: { template: '/a/{x}' }, params: { x: 'z' } });
    expect(matchPath(schema, '/a/z/c')?.endpoint.template).toBe('/a/{x}/c');
    expect(matchPath(schema, '/a/z/d')).toBeUndefined();
  });

  itPve('decodes each segment after splitting, so %2F stays in its parameter', () => {
    const pve = loadSchema('pve', '9.1');
    if (!pve) throw new Error('no schema');
    expect(matchPath(pve, '/nodes/pve1/storage/local/content/local%3Aiso%2Fdebian.iso')).toMatchObject({
      endpoint: { template: '/nodes/{node}/storage/{storage}/content/{volume}' },
      params: { node: 'pve1', storage: 'local', volume: 'local:iso/debian.iso' },
    });
    expect(matchPath(pve, '/nodes/pve1/storage/local/content/local:iso/debian.iso')).toBeUndefined();
    expect(matchPath(pve, '/nodes/pve1/storage/local/content/local:iso/debian.iso', { decoded: true })).toMatchObject({
      params: { volume: 'local:iso/debian.iso' },
    });
    expect(matchPath(pve, '/nodes/pve1/qemu/100/status/current')?.endpoint.template).toBe(
      '/nodes/{node}/qemu/{vmid}/status/current',
    );
  });
});

describePve('conforming requests pass', () => {
  describe.each(RELEASES)('PVE %s', (release) => {
    const cases: Array<[string, string, ParamsInput?]> = [
      ['GET', '/version'],
      ['GET', '/nodes'],
      ['GET', '/cluster/resources?type=vm'],
      ['GET', '/cluster/nextid'],
      ['POST', '/access/ticket', 'username=root%40pam&password=hunter2'],
      [
        'POST',
        '/nodes/pve1/qemu',
        'vmid=100&name=web-1&memory=2048&cores=2&sockets=1&ostype=l26&onboot=1&scsihw=virtio-scsi-pci' +
          '&scsi0=local-lvm%3A32&net0=virtio%3DBC%3A24%3A11%3A00%3A00%3A01%2Cbridge%3Dvmbr0%2Cfirewall%3D1' +
          '&net1=virtio%2Cbridge%3Dvmbr1&tags=web%3Bprod&pool=dev',
      ],
      ['GET', '/nodes/pve1/qemu/100/config?current=1'],
      ['PUT', '/nodes/pve1/qemu/100/config', 'delete=net1%2Cscsi2&force=1&cores=4&description=hello'],
      ['POST', '/nodes/pve1/qemu/100/config', { net31: 'e1000,bridge=vmbr0', scsi30: 'local-lvm:8', unused255: 'local:100/x.raw' }],
      ['POST', '/nodes/pve1/qemu/100/status/start'],
      ['POST', '/nodes/pve1/qemu/100/snapshot', 'snapname=pre&vmstate=0&description=before'],
      ['POST', '/nodes/pve1/qemu/100/clone', 'newid=101&full=1&name=web-2&target=pve2'],
      ['POST', '/nodes/pve1/qemu/100/migrate', 'target=pve2&online=1'],
      ['PUT', '/nodes/pve1/qemu/100/resize', 'disk=scsi0&size=%2B10G'],
      ['DELETE', '/nodes/pve1/qemu/100?purge=1&destroy-unreferenced-disks=1'],
      [
        'POST',
        '/nodes/pve1/lxc',
        'vmid=200&ostemplate=local%3Avztmpl%2Fdebian-12.tar.zst&hostname=ct1&memory=512' +
          '&net0=name%3Deth0%2Cbridge%3Dvmbr0%2Cip%3Ddhcp%2Cip6%3Dauto&rootfs=local-lvm%3A8&unprivileged=1',
      ],
      ['GET', '/nodes/pve1/storage/local/content?content=iso'],
      ['DELETE', '/nodes/pve1/storage/local/content/local%3Aiso%2Fdebian.iso'],
      ['GET', '/nodes/pve1/tasks/UPID%3Apve1%3A00001234%3A00005678%3A65000000%3Aqmstart%3A100%3Aroot%40pam%3A/log?start=0&limit=50'],
      ['POST', '/pools', 'poolid=dev&comment=Development'],
      ['GET', '/access/users?enabled=1'],
      ['PUT', '/access/acl', 'path=%2Fvms%2F100&roles=PVEVMUser&users=alice%40pve&tokens=alice%40pve%21ci'],
      ['POST', '/cluster/backup', 'schedule=daily&storage=local&vmid=100%2C101&mode=snapshot&enabled=1'],
    ];
    // (a rest parameter: a callback with more parameters than the row has would be given `done`)
    it.each(cases)('%s %s', (...row) => {
      const [method, p, params] = row;
      expect(check(release, method, p, params)).toEqual([]);
    });

    it('accepts a JSON body with JSON booleans and numbers', () => {
      const schema = loadSchema('pve', release);
      if (!schema) throw new Error('no schema');
      const body = JSON.stringify({ vmid: 100, cores: 2, onboot: true, name: 'web' });
      expect(
        checkRequest(schema, { method: 'POST', path: '/nodes/pve1/qemu', body, contentType: 'application/json' }),
      ).toEqual([]);
    });
  });
});

describePve('each kind of violation is reported', () => {
  it('unknown path', () => {
    expectOnly(check('9.1', 'GET', '/nodes/pve1/bogus'), /^PVE 9\.1: GET \/nodes\/pve1\/bogus: no such path in the PVE 9\.1 schema$/);
  });

  it('wrong method', () => {
    expectOnly(check('9.1', 'DELETE', '/version'), /method DELETE is not defined for \/version \(it has GET\)/);
  });

  it('missing required parameter', () => {
    expectOnly(check('9.1', 'POST', '/nodes/pve1/qemu/100/snapshot', ''), /missing required parameter 'snapname'/);
    expectOnly(check('8.4', 'POST', '/nodes/pve1/lxc', 'vmid=200'), /missing required parameter 'ostemplate'/);
  });

  it('undeclared parameter', () => {
    expectOnly(check('9.1', 'GET', '/nodes?full=1'), /undeclared parameter 'full'/);
  });

  it('bad type', () => {
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'cores=two'), /parameter 'cores' = 'two': type check \('integer'\) failed/);
    expectOnly(check('9.1', 'POST', '/nodes/pve1/qemu/100/migrate', 'target=pve2&online=1.5'), /type check \('boolean'\) failed/);
  });

  it('booleans: PVE takes exactly 0 and 1 from a form, JSON true/false too, never "true"', () => {
    for (const ok of ['0', '1']) expect(check('9.1', 'POST', '/nodes/pve1/qemu/100/migrate', `target=pve2&online=${ok}`)).toEqual([]);
    for (const bad of ['true', 'false', 'yes', 'on']) {
      expectOnly(check('9.1', 'POST', '/nodes/pve1/qemu/100/migrate', `target=pve2&online=${bad}`), /type check \('boolean'\) failed - got '\w+'/);
    }
    expect(check('9.1', 'POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve2', online: false })).toEqual([]);
  });

  it('enum', () => {
    expectOnly(
      check('9.1', 'GET', '/cluster/resources?type=vms'),
      /value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'/,
    );
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/resize', 'disk=scsi31&size=1G'), /enumeration/);
  });

  it('range', () => {
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'cores=0'), /value must have a minimum value of 1/);
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'cpuunits=262145'), /value must have a maximum value of 262144/);
    expectOnly(check('9.1', 'GET', '/nodes/pve1/qemu/1000000000/config'), /parameter 'vmid'.*valid VM ID/);
  });

  it('length', () => {
    const long = `s${'x'.repeat(40)}`;
    expectOnly(check('9.1', 'POST', '/nodes/pve1/qemu/100/snapshot', `snapname=${long}`), /value may only be 40 characters long/);
  });

  it('pattern', () => {
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/resize', 'disk=scsi0&size=10X'), /parameter 'size' = '10X': value does not match the regex pattern/);
  });

  it('format', () => {
    expectOnly(check('9.1', 'GET', '/nodes/bad_node/qemu'), /parameter 'node' = 'bad_node': invalid format - value does not look like a valid node name/);
    expectOnly(check('9.1', 'POST', '/nodes/pve1/qemu/100/snapshot', 'snapname=1st'), /invalid format - invalid configuration ID/);
    expectOnly(check('9.1', 'POST', '/pools', 'poolid=dev%20team'), /pool name 'dev team' contains invalid characters/);
    expectOnly(check('9.1', 'POST', '/nodes/pve1/qemu/100/clone', 'newid=101&storage=local%20lvm'), /storage ID contains illegal characters/);
    expectOnly(check('9.1', 'PUT', '/pools', 'poolid=dev&vms=100%2C99'), /list item '99'/);
    expectOnly(check('9.1', 'PUT', '/access/acl', 'path=%2F&roles=PVEAdmin&users=alice'), /does not look like a valid user name/);
  });

  it('property strings: keys, default key, aliases, required keys and values', () => {
    const config = (net0: string): string[] =>
      check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', `net0=${encodeURIComponent(net0)}`);
    expect(config('virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=yes')).toEqual([]);
    expectOnly(config('virtio,bridge=vmbr0,bogus=1'), /invalid key in comma-separated list property: bogus/);
    expectOnly(config('bridge=vmbr0'), /model: property is missing and it is not optional/);
    expectOnly(config('virtio,bridge=vmbr0,tag=x'), /tag: type check \('integer'\) failed/);
    expectOnly(config('virtio=01:00:00:00:00:01'), /unicast MAC address/);
    expectOnly(config('virtio,virtio'), /duplicate key/);
    const ct = check('9.1', 'PUT', '/nodes/pve1/lxc/200/config', 'net0=bridge%3Dvmbr0');
    expectOnly(ct, /name: property is missing and it is not optional/);
  });

  it('indexed names: net[n] within its range, no leading zeros', () => {
    expect(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'net31=virtio')).toEqual([]);
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'net32=virtio'), /'net32': index 32 is out of range for 'net\[n\]' \(0 to 31\)/);
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'scsi31=local-lvm%3A1'), /'scsi31': index 31 is out of range/);
    expectOnly(check('7.4', 'PUT', '/nodes/pve1/qemu/100/config', 'ide4=none'), /'ide4': index 4 is out of range/);
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'net01=virtio'), /undeclared parameter 'net01'/);
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/lxc/200/config', 'mp256=local%3A1%2Cmp%3D%2Fx'), /index 256 is out of range/);
  });

  it("a parameter's `requires`", () => {
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'force=1'), /parameter 'force' requires parameter 'delete'/);
  });

  it('a repeated key for a parameter that is not an array', () => {
    expectOnly(check('9.1', 'PUT', '/nodes/pve1/qemu/100/config', 'cores=1&cores=2'), /'cores' is sent 2 times/);
  });

  it('arrays arrive as repeated keys', () => {
    const exec = (body: string): string[] => check('9.1', 'POST', '/nodes/pve1/qemu/100/agent/exec', body);
    expect(exec('command=ls&command=-l')).toEqual([]);
    expect(exec('command=uptime')).toEqual([]);
  });

  it('a path parameter sent again in the body, and empty segments', () => {
    expectOnly(check('9.1', 'POST', '/nodes/pve1/qemu/100/status/start', 'node=pve1'), /'node' is sent again/);
    expect(check('9.1', 'GET', '/nodes//qemu')[0]).toMatch(/empty segment/);
  });

  it('a body that does not parse', () => {
    const schema = loadSchema('pve', '9.1');
    if (!schema) throw new Error('no schema');
    const found = checkRequest(schema, { method: 'POST', path: '/pools', body: '{"poolid":', contentType: 'application/json' });
    expectOnly(found, /the body does not parse/);
  });

  it('never prints the value of a secret', () => {
    const found = check('9.1', 'POST', '/access/ticket', { username: 'root@pam', password: { nested: 'hunter2-canary' } });
    expectOnly(found, /parameter 'password' = '<redacted>': type check \('string'\) failed - got an object/);
    expect(found.join('\n')).not.toContain('hunter2-canary');
  });
});

describePve('releases differ', () => {
  it('PUT /pools with poolid exists on 8.4 and 9.1, not on 7.4', () => {
    expect(check('8.4', 'PUT', '/pools', 'poolid=dev&vms=100')).toEqual([]);
    expect(check('9.1', 'PUT', '/pools', 'poolid=dev&vms=100')).toEqual([]);
    expectOnly(check('7.4', 'PUT', '/pools', 'poolid=dev&vms=100'), /PVE 7\.4: PUT \/pools: method PUT is not defined for \/pools \(it has GET, POST\)/);
    expect(check('7.4', 'PUT', '/pools/dev', 'vms=100')).toEqual([]);
  });

  it('/cluster/ha/rules exists on 9.1 only', () => {
    expect(check('9.1', 'GET', '/cluster/ha/rules')).toEqual([]);
    expectOnly(check('8.4', 'GET', '/cluster/ha/rules'), /no such path in the PVE 8\.4 schema/);
    expectOnly(check('7.4', 'GET', '/cluster/ha/rules'), /no such path in the PVE 7\.4 schema/);
  });

  it('nested pool names from 8.x on', () => {
    expect(check('8.4', 'POST', '/pools', 'poolid=dev%2Fteam')).toEqual([]);
    expectOnly(check('7.4', 'POST', '/pools', 'poolid=dev%2Fteam'), /contains invalid characters/);
  });

  it('endpointMethod answers the schema of one method', () => {
    const s74 = loadSchema('pve', '7.4');
    const s91 = loadSchema('pve', '9.1');
    if (!s74 || !s91) throw new Error('no schema');
    expect(endpointMethod(s74, 'PUT', '/pools')).toBeUndefined();
    expect(endpointMethod(s91, 'put', '/pools')?.parameters?.properties?.poolid).toBeDefined();
  });
});

describe('PBS', () => {
  itPbs('checks PBS requests with its own rules', () => {
    expect(check('4', 'GET', '/admin/datastore/store1/snapshots?backup-type=vm&ns=a%2Fb', undefined, 'pbs')).toEqual([]);
    expectOnly(check('4', 'GET', '/admin/datastore/store%201/snapshots', undefined, 'pbs'), /parameter 'store'.*regex pattern/);
    expectOnly(check('4', 'GET', '/admin/datastore/store1/snapshots?backup-type=lxc', undefined, 'pbs'), /enumeration/);
    // proxmox-schema parses booleans leniently; arrays arrive as repeated keys
    expect(check('4', 'GET', '/nodes/localhost/tasks?running=true&errors=no&statusfilter=ok&statusfilter=error', undefined, 'pbs')).toEqual([]);
    expectOnly(check('4', 'GET', '/nodes/localhost/tasks?running=maybe', undefined, 'pbs'), /type check \('boolean'\) failed/);
  });
});

describe('formats and helpers', () => {
  it('split_list splits on commas, semicolons, whitespace and NUL', () => {
    expect(splitList('a,b; c  d')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('a\0b c')).toEqual(['a', 'b c']);
    expect(splitList('')).toEqual([]);
  });

  it('named formats', () => {
    expect(checkNamedFormat('pve-vmid-list', '100,101 102', '9.1')).toBeUndefined();
    expect(checkNamedFormat('pve-vmid-list', '100,abc', '9.1')).toMatch(/abc/);
    expect(checkNamedFormat('email-opt', '', '9.1')).toBeUndefined();
    expect(checkNamedFormat('pve-tokenid-list', 'root@pam!ci', '9.1')).toBeUndefined();
    expect(checkNamedFormat('CIDRv4', '10.0.0.0/7', '9.1')).toMatch(/CIDR/);
    expect(checkNamedFormat('ipv4mask', '255.255.255.0', '9.1')).toBeUndefined();
    expect(checkNamedFormat('pve-calendar-event', 'anything at all', '9.1')).toBeUndefined();
  });

  it('parses forms with repeated keys, JSON bodies and parsed objects', () => {
    expect(parseParams('a=1&b=2&b=3')).toEqual(new Map<string, unknown>([['a', '1'], ['b', ['2', '3']]]));
    expect(parseParams('{"a":true}', 'application/json')).toEqual(new Map([['a', true]]));
    expect(parseParams({ a: 1, b: undefined })).toEqual(new Map([['a', 1]]));
  });
});

describe('recording for the running test', () => {
  itPve('recordRequest records, takeViolations takes, failOnViolations throws a listing', () => {
    expect(recordRequest({ release: '9.1', method: 'GET', path: '/version' })).toEqual([]);
    const found = recordRequest({ release: '7.4', method: 'PUT', path: '/pools', body: 'poolid=dev' });
    expect(found).toHaveLength(1);
    expect(pendingViolations()).toEqual(found);
    let thrown: unknown;
    try {
      failOnViolations();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SchemaViolationError);
    expect((thrown as SchemaViolationError).message).toContain('PVE 7.4: PUT /pools: method PUT is not defined');
    expect(pendingViolations()).toEqual([]);
    expect(() => failOnViolations()).not.toThrow();
  });

  itPve('assertRequestConforms throws at once and records nothing', () => {
    expect(() => assertRequestConforms({ method: 'GET', path: '/nodes', query: { bogus: '1' } })).toThrow(SchemaViolationError);
    expect(() => assertRequestConforms({ method: 'GET', path: '/api2/json/nodes' })).not.toThrow();
    expect(pendingViolations()).toEqual([]);
  });

  itPve('oracleHook takes what the simulator sees: a parsed query and a raw or parsed body', () => {
    const hook = oracleHook({ release: '8.4' });
    hook({ method: 'GET', path: '/cluster/resources', query: { type: 'vm' } });
    hook({ method: 'PUT', path: '/pools', body: 'poolid=dev&vms=100', contentType: 'application/x-www-form-urlencoded' });
    hook({ method: 'POST', path: '/nodes/pve1/qemu/100/snapshot', body: { snapname: 'pre' } });
    // the simulator's paths are decoded: a volume id keeps its slash
    hook({ method: 'DELETE', path: '/nodes/pve1/storage/local/content/local:iso/debian 12.iso', query: {}, body: {} });
    hook({ method: 'GET', path: '/nodes/pve1/tasks', query: { vmid: '100', typefilter: 'qmstart' }, body: {} });
    expect(takeViolations()).toEqual([]);
    hook({ method: 'POST', path: '/nodes/pve1/qemu/100/snapshot', body: { snapname: 'pre', bogus: 1 } });
    expectOnly(takeViolations(), /PVE 8\.4: POST \/nodes\/pve1\/qemu\/100\/snapshot: undeclared parameter 'bogus'/);
  });
});

describeEachRelease('describeEachRelease', (release) => {
  it('sets the current release for mockApi and oracleHook', () => {
    expect(currentRelease()).toBe(release);
    expect(mockApi().release).toBe(release);
  });

  itPve('checks against the block release', () => {
    const hook = oracleHook();
    hook({ method: 'PUT', path: '/pools', body: 'poolid=dev' });
    expect(takeViolations()).toHaveLength(release === '7.4' ? 1 : 0);
  });
});

describe('mockApi', () => {
  it('is a nock scope on https://<host>:8006/api2/json (8007 for PBS)', () => {
    const pve = mockApi({ release: '8.4' });
    expect(pve).toMatchObject({ product: 'pve', release: '8.4', host: 'pve.test', port: 8006, baseUrl: 'https://pve.test:8006/api2/json' });
    expect(mockApi({ product: 'pbs' })).toMatchObject({ release: '4', port: 8007, baseUrl: 'https://pbs.test:8007/api2/json' });
    expect(typeof pve.isDone).toBe('function');
  });

  it('answers /version like each release', async () => {
    const bodies: unknown[] = [];
    for (const release of RELEASES) {
      const api = mockApi({ release }).mockVersion();
      const res = await send('GET', `${api.baseUrl}/version`);
      bodies.push(JSON.parse(res.body));
      expect(api.isDone()).toBe(true);
    }
    expect(bodies).toEqual([versionBody('7.4'), versionBody('8.4'), versionBody('9.1')]);
    expect(versionBody('7.4').data.version).toMatch(/^7\.4-\d+$/);
    expect(versionBody('9.1').data).toMatchObject({ release: '9.1', version: expect.stringMatching(/^9\.1\.\d+$/) });
  });

  it('replyData wraps in { data }, replyError sets the reason phrase and errors', async () => {
    const api = mockApi({ release: '9.1' });
    api.get('/nodes').replyData(200, [{ node: 'pve1' }]);
    api.post('/pools').replyError(400, 'Parameter verification failed.', { poolid: 'invalid format' });
    expect(JSON.parse((await send('GET', `${api.baseUrl}/nodes`)).body)).toEqual({ data: [{ node: 'pve1' }] });
    const err = await send('POST', `${api.baseUrl}/pools`, 'poolid=dev');
    expect(err).toEqual({
      status: 400,
      reason: 'Parameter verification failed.',
      body: JSON.stringify({ data: null, errors: { poolid: 'invalid format' } }),
    });
    expect(takeViolations()).toEqual([]);
  });

  itPve('records a nonconforming request', async () => {
    const api = mockApi({ release: '7.4' });
    api.put('/pools').replyData(200, null);
    await send('PUT', `${api.baseUrl}/pools`, 'poolid=dev');
    expectOnly(takeViolations(), /PVE 7\.4: PUT \/pools: method PUT is not defined/);
  });

  it('records a request to the mocked host that no interceptor matches', async () => {
    const api = mockApi({ release: '9.1' });
    api.get('/nodes').replyData(200, []);
    await expect(send('GET', `${api.baseUrl}/cluster/status`)).rejects.toThrow(/No match/);
    expectOnly(takeViolations(), /unexpected request GET \/api2\/json\/cluster\/status to pve\.test:8006/);
  });

  it('leaves unmatched requests alone with failOnUnmatched: false', async () => {
    const api = mockApi({ host: 'lenient.test', failOnUnmatched: false });
    api.get('/nodes').replyData(200, []);
    await expect(send('GET', `${api.baseUrl}/cluster/status`)).rejects.toThrow(/No match/);
    expect(takeViolations()).toEqual([]);
  });
});

describe('the jest wiring', () => {
  it('setup.ts fails the test that sent a nonconforming or unexpected request, and only that one', () => {
    if (!havePve) {
      // Without the schema only the unexpected request can fail; the rest of the wiring is the same.
      return;
    }
    const out = path.join(os.tmpdir(), `oracle-fixture-${process.pid}-${Date.now()}.json`);
    const jestBin = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const run = spawnSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings=ExperimentalWarning',
        jestBin,
        '--ci',
        '--runInBand',
        '--watchman=false',
        '--roots',
        '<rootDir>/tests/support/fixtures',
        '--testMatch',
        '**/*.fixture.ts',
        '--json',
        '--outputFile',
        out,
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    try {
      expect(run.status).toBe(1);
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>;
      };
      const results = report.testResults.flatMap((r) => r.assertionResults);
      const byTitle = Object.fromEntries(results.map((r) => [r.title, r]));
      expect(byTitle['conforming request passes']?.status).toBe('passed');
      expect(byTitle['nonconforming request fails']?.status).toBe('failed');
      expect(byTitle['nonconforming request fails']?.failureMessages.join('\n')).toContain(
        "PVE 9.1: POST /nodes/pve1/qemu/100/snapshot: undeclared parameter 'bogus'",
      );
      expect(byTitle['unexpected request fails']?.status).toBe('failed');
      expect(byTitle['unexpected request fails']?.failureMessages.join('\n')).toContain(
        'unexpected request GET /api2/json/cluster/status to pve.test:8006',
      );
    } finally {
      fs.rmSync(out, { force: true });
    }
  }, 120_000);
});
