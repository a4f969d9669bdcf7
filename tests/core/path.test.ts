/**
 * The `path` tag: every value one percent-encoded segment (`:` and `@` kept), empty, `.` and `..`
 * refused. `encodeSegment` returns a plain segment (letters, digits, `_`, `.`, `~`, `-`) as it is,
 * without `encodeURIComponent`: the table checks that this shortcut gives what the full encoding gives.
 */
import { encodeSegment, path } from '../../src/core/path.js';

/** What `encodeSegment` gave before the shortcut: a finite number as `String` gives it, every string fully encoded. */
function full(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%40/gi, '@');
}

describe('path and encodeSegment', () => {
  it('builds paths as its examples say', () => {
    expect(path`/nodes/${'pve1'}/qemu/${100}/status/current`).toBe('/nodes/pve1/qemu/100/status/current');
    expect(path`/access/users/${'alice@pve'}`).toBe('/access/users/alice@pve');
    expect(path`/nodes/${'../etc'}`).toBe('/nodes/..%2Fetc');
    expect(path`/nodes`).toBe('/nodes');
    expect(path`${'a'}${'b'}`).toBe('ab');
    expect(encodeSegment('local:iso/debian.iso')).toBe('local:iso%2Fdebian.iso');
  });

  it.each([
    'pve1', 'PVE-node-01', 'local-lvm', 'snap_2024.01', '~user', 'a', '0', '...', '.a', 'a.', '-', '_', '~',
    'alice@pve', 'root@pam!token', 'UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:',
    'local:iso/debian.iso', 'a b', 'a+b', 'a%20b', 'a?b', 'a#b', 'a/b', 'a\\b', "it's", '(x)', '*', '!', 'ä', '日本',
    'emoji 🙂', 'tab\there', 'new\nline', 'a&b=c', '%3A', '%40', 'x'.repeat(300), 100, 0, -1, 1.5, 999_999_999, 1e21,
  ])('encodes %p as the full encoding does', (value) => {
    expect(encodeSegment(value)).toBe(full(value));
    expect(path`/x/${value}/y`).toBe(`/x/${full(value)}/y`);
  });

  it.each(['', '.', '..'])('refuses %p', (value) => {
    expect(() => encodeSegment(value)).toThrow(TypeError);
    expect(() => path`/nodes/${value}`).toThrow(TypeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses the number %p', (value) => {
    expect(() => encodeSegment(value)).toThrow('path segment must be a finite number');
  });

  it('refuses what is neither a string nor a number', () => {
    expect(() => encodeSegment(null as unknown as string)).toThrow('path segment must be a string or number, got object');
    expect(() => encodeSegment(true as unknown as string)).toThrow('path segment must be a string or number, got boolean');
  });
});
