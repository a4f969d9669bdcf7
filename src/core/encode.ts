/**
 * Form and query encoding of request parameters, the way Proxmox reads them.
 *
 * @module
 */
import type { Params, ParamValue } from './types.js';

/**
 * Encodes parameters as `application/x-www-form-urlencoded` text, for a POST/PUT body or the query
 * of a GET/DELETE.
 *
 * Booleans become `1`/`0`; arrays become repeated keys (`cmd=ls&cmd=-l`); `undefined` and `null`
 * are left out; spaces are `%20`, never `+` (Proxmox's `sshkeys` needs `%20`).
 *
 * @param params - The parameters, or `undefined` for none.
 * @returns The encoded text, `''` when there is nothing to send.
 * @throws TypeError when a value is a non-finite number or not a string, number, boolean or array of them.
 * @example
 * ```ts
 * encodeParams({ onboot: true, name: 'web 1', cmd: ['ls', '-l'], description: undefined });
 * // 'onboot=1&name=web%201&cmd=ls&cmd=-l'
 * ```
 */
export function encodeParams(params: Params | undefined): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const item of flatten(key, value)) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
  }
  return parts.join('&');
}

function flatten(key: string, value: ParamValue): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item: unknown) => scalar(key, item));
  return [scalar(key, value)];
}

function scalar(key: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? '1' : '0';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`parameter ${key} must be a finite number, got ${value}`);
      return String(value);
    default:
      throw new TypeError(`parameter ${key} must be a string, number, boolean or array of them, got ${value === null ? 'null' : typeof value}`);
  }
}
