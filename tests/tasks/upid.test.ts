import { isUpid, parseUpid } from '../../src/tasks/upid.js';

describe('parseUpid — Proxmox VE', () => {
  it('reads a qmstart UPID', () => {
    const upid = 'UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:';
    expect(parseUpid(upid)).toEqual({
      upid,
      product: 'pve',
      node: 'pve1',
      pid: 0x000a1b2c,
      pstart: 0x0123abcd,
      startTime: new Date(0x65f1a2b3 * 1000),
      type: 'qmstart',
      id: '100',
      rawId: '100',
      user: 'root@pam',
    });
    expect(parseUpid(upid).taskId).toBeUndefined();
  });

  it('reads a pstart wider than 8 hex digits (host up for more than ~497 days)', () => {
    const info = parseUpid('UPID:node-a:003E9F1C:1A2B3C4D5:66A0B1C2:vzdump:101:backup@pve:');
    expect(info.pstart).toBe(0x1a2b3c4d5);
    expect(info.pid).toBe(0x003e9f1c);
    expect(info.startTime.toISOString()).toBe(new Date(0x66a0b1c2 * 1000).toISOString());
    expect(info.node).toBe('node-a');
  });

  it('reads an empty id and an API token as the user', () => {
    const info = parseUpid('UPID:pve2:00001234:00ABCDEF:65F1A2B3:aptupdate::root@pam!automation:');
    expect(info.id).toBe('');
    expect(info.type).toBe('aptupdate');
    expect(info.user).toBe('root@pam!automation');
  });

  it('reads lower-case hex and ids with dashes as they are (PVE does not escape)', () => {
    const info = parseUpid('UPID:pve1:0000abcd:00abcdef:65f1a2b3:imgcopy:local-lvm:alice@pve:');
    expect(info.pid).toBe(0xabcd);
    expect(info.id).toBe('local-lvm');
  });
});

describe('parseUpid — Proxmox Backup Server', () => {
  it('reads a garbage_collection UPID with its task id', () => {
    const upid = 'UPID:pbs1:000003A9:00000CC9:00000002:65F1A2B3:garbage_collection:store1:root@pam:';
    expect(parseUpid(upid)).toEqual({
      upid,
      product: 'pbs',
      node: 'pbs1',
      pid: 0x3a9,
      pstart: 0xcc9,
      taskId: 2,
      startTime: new Date(0x65f1a2b3 * 1000),
      type: 'garbage_collection',
      id: 'store1',
      rawId: 'store1',
      user: 'root@pam',
    });
  });

  it('decodes the systemd-escaped id of a backup task', () => {
    // worker id "store1:vm/100": ':' is \x3a, '/' is written as '-'
    const info = parseUpid('UPID:pbs1:00000F6A:00012F5E:0000001B:65F1A2B3:backup:store1\\x3avm-100:root@pam!tok:');
    expect(info.type).toBe('backup');
    expect(info.rawId).toBe('store1\\x3avm-100');
    expect(info.id).toBe('store1:vm/100');
    expect(info.user).toBe('root@pam!tok');
    expect(info.taskId).toBe(0x1b);
  });

  it('decodes \\x2d back to a dash', () => {
    const info = parseUpid(
      'UPID:pbs-backup:0000A2E1:0001F3C4:000000FF:65F1A2B3:verificationjob:store1\\x3av\\x2d4a1b\\x2d7e8f:root@pam:',
    );
    expect(info.node).toBe('pbs-backup');
    expect(info.id).toBe('store1:v-4a1b-7e8f');
  });

  it('accepts a 9-digit pstart and a 16-digit task id', () => {
    const info = parseUpid('UPID:pbs1:000003A9:123456789:00000000000000FF:65F1A2B3:sync:s1:root@pam:');
    expect(info.pstart).toBe(0x123456789);
    expect(info.taskId).toBe(255);
  });
});

describe('parseUpid — malformed', () => {
  it.each([
    ['', 'empty'],
    ['UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam', 'no trailing colon'],
    ['upid:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:', 'lower-case prefix'],
    ['UPID:pve1:A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:', 'short pid'],
    ['UPID:pve1:000A1B2C:0123ABCD:65F1A2B:qmstart:100:root@pam:', 'short starttime'],
    ['UPID:pve1:000A1B2G:0123ABCD:65F1A2B3:qmstart:100:root@pam:', 'non-hex pid'],
    ['UPID:-pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:', 'bad node'],
    ['UPID:pve1:000A1B2C:0123ABCD:65F1A2B3::100:root@pam:', 'empty type'],
    ['UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100::', 'empty user'],
    ['UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qm start:100:root@pam:', 'space in type'],
    ['UPID:pbs1:000003A9:00000CC9:00000002:65F1A2B3:backup:bad\\xZZ:root@pam:', 'broken escape'],
  ])('rejects %j (%s) with a TypeError naming it', (upid) => {
    expect(() => parseUpid(upid)).toThrow(TypeError);
    expect(() => parseUpid(upid)).toThrow(`invalid UPID ${JSON.stringify(upid)}`);
  });

  it('rejects a non-string', () => {
    expect(() => parseUpid(null as unknown as string)).toThrow(/invalid UPID: expected a string, got null/);
    expect(() => parseUpid(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('isUpid', () => {
  it('tells UPIDs from other values', () => {
    expect(isUpid('UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:')).toBe(true);
    expect(isUpid('UPID:pbs1:000003A9:00000CC9:00000002:65F1A2B3:garbage_collection:store1:root@pam:')).toBe(true);
    expect(isUpid(null)).toBe(false);
    expect(isUpid('OK')).toBe(false);
    expect(isUpid('UPID:pbs1:000003A9:00000CC9:00000002:65F1A2B3:backup:bad\\xZZ:root@pam:')).toBe(false);
  });
});
