import { VersionInfoSchema, atLeast, encodeParams, releaseOf } from '../../src/index.js';

describe('encodeParams', () => {
  it('encodes booleans as 0/1, arrays as repeated keys, and leaves out undefined and null', () => {
    expect(encodeParams({ onboot: true, template: false, cmd: ['ls', '-l'], description: undefined, pool: null, cores: 2 })).toBe(
      'onboot=1&template=0&cmd=ls&cmd=-l&cores=2',
    );
  });

  it('writes spaces as %20, never +, and encodes everything else reserved', () => {
    expect(encodeParams({ sshkeys: 'ssh-ed25519 AAAA+b/c= me@host\n' })).toBe('sshkeys=ssh-ed25519%20AAAA%2Bb%2Fc%3D%20me%40host%0A');
    expect(encodeParams({ 'tfa-challenge': 'a&b=c' })).toBe('tfa-challenge=a%26b%3Dc');
  });

  it('is empty for no parameters', () => {
    expect(encodeParams(undefined)).toBe('');
    expect(encodeParams({})).toBe('');
    expect(encodeParams({ a: undefined })).toBe('');
  });

  it('rejects values it cannot send', () => {
    expect(() => encodeParams({ memory: Number.POSITIVE_INFINITY })).toThrow(/parameter memory must be a finite number/);
    expect(() => encodeParams({ net0: { model: 'virtio' } as unknown as string })).toThrow(/parameter net0 must be a string, number, boolean or array/);
  });
});

describe('VersionInfoSchema', () => {
  it.each([
    [{ version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' }, 8, 4, 1],
    [{ version: '7.4-17', release: '7.4', repoid: '513c62be' }, 7, 4, 17],
    [{ version: '9.1.1', release: '9.1', repoid: '42db4a6cf33dac83', console: 'html5' }, 9, 1, 1],
    [{ version: '4.0', release: '18', repoid: 'b1c6a2d3e4f50617' }, 4, 0, 18],
  ])('parses %j', (raw, major, minor, patch) => {
    const info = VersionInfoSchema.parse(raw);
    expect(info).toMatchObject({ ...raw, major, minor, patch });
    expect(releaseOf(info)).toBe(`${major}.${minor}`);
  });

  it('rejects a version without a release', () => {
    expect(() => VersionInfoSchema.parse({ version: 'devel' })).toThrow(/cannot read a release/);
  });
});

describe('atLeast', () => {
  const v84 = { major: 8, minor: 4, patch: 1 };
  it.each([
    ['8', true],
    ['8.0', true],
    ['8.4', true],
    ['8.4.1', true],
    ['8.4.2', false],
    ['8.5', false],
    ['9', false],
    ['7.4', true],
  ])('8.4.1 is at least %s: %s', (wanted, expected) => {
    expect(atLeast(v84, wanted)).toBe(expected);
  });

  it('rejects a malformed release', () => {
    expect(() => atLeast(v84, 'v8')).toThrow(TypeError);
  });
});
