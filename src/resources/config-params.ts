/**
 * Turns a config object with Proxmox's keys into request parameters: list options given as arrays
 * are comma-joined, property-string options given as objects become `key=value,…`.
 *
 * @module
 */
import type { Params, ParamValue } from '../core/types.js';

/**
 * A value of a config option: a request parameter, or an object for a property-string option.
 *
 * @example
 * ```ts
 * const prune: ConfigValue = { 'keep-last': 3, 'keep-weekly': 4 }; // keep-last=3,keep-weekly=4
 * ```
 */
export type ConfigValue = ParamValue | Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * An object as a property string (`{ 'keep-last': 3, enabled: true }` → `keep-last=3,enabled=1`).
 *
 * @internal
 */
export function propertyString(value: Readonly<Record<string, unknown>>, name: string): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      if (typeof v === 'boolean') return `${k}=${v ? 1 : 0}`;
      if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return `${k}=${v}`;
      throw new TypeError(`${name}.${k} must be a string, number or boolean`);
    })
    .join(',');
}

/**
 * The parameters of `config`; arrays are allowed only for the keys in `lists`.
 *
 * @internal
 */
export function configParams(name: string, config: unknown, lists: ReadonlySet<string>): Params {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new TypeError(`${name} must be an object`);
  const out: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (!lists.has(key)) throw new TypeError(`${name}.${key} must not be an array`);
      out[key] = value.map(String).join(',');
    } else if (typeof value === 'object') {
      out[key] = propertyString(value as Record<string, unknown>, `${name}.${key}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[key] = value;
    } else {
      throw new TypeError(`${name}.${key} must be a string, number, boolean, array or object`);
    }
  }
  return out;
}
