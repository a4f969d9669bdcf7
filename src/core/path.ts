/**
 * A template tag that builds an API path with every interpolated segment percent-encoded.
 *
 * `:` and `@` are kept as they are (UPIDs and user ids use them and Proxmox expects them raw);
 * everything else that is not unreserved is encoded, so a value can never add a segment or a
 * query string. Empty values, `.` and `..` are rejected with a `TypeError` before any request.
 *
 * @param strings - The literal parts of the template.
 * @param values - The values to encode, one segment each.
 * @returns The path, starting with `/`.
 * @throws TypeError when a value is empty, `.` or `..`, or is not a string or a finite number.
 * @example
 * ```ts
 * path`/nodes/${'pve1'}/qemu/${100}/status/current`; // '/nodes/pve1/qemu/100/status/current'
 * path`/access/users/${'alice@pve'}`;               // '/access/users/alice@pve'
 * path`/nodes/${'../etc'}`;                           // '/nodes/..%2Fetc'
 * ```
 */
export function path(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += encodeSegment(values[i] as string | number) + (strings[i + 1] ?? '');
  }
  return out;
}

/** Characters `encodeURIComponent` never encodes (a subset of them): a segment of only these is sent as it is. */
const PLAIN = /^[A-Za-z0-9_.~-]+$/;

/**
 * Encodes one path segment as {@link path} does.
 *
 * @param value - The segment's value.
 * @returns The encoded segment.
 * @throws TypeError when the value is empty, `.` or `..`, or not a string or finite number.
 * @example
 * ```ts
 * encodeSegment('local:iso/debian.iso'); // 'local:iso%2Fdebian.iso'
 * ```
 */
export function encodeSegment(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`path segment must be a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value !== 'string') throw new TypeError(`path segment must be a string or number, got ${typeof value}`);
  if (value === '' || value === '.' || value === '..') {
    throw new TypeError(`path segment must not be empty, "." or "..", got ${JSON.stringify(value)}`);
  }
  // Node names, storage ids, snapshot names: nothing to encode, so no copy and no replace scans.
  if (PLAIN.test(value)) return value;
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%40/gi, '@');
}
