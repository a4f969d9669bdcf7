/**
 * The options of domain actions: camelCase names checked and mapped to Proxmox's parameter names
 * (`withLocalDisks` → `with-local-disks`), before any request. One table per action says which
 * options exist, what each must be, what Proxmox calls it, and from which release it exists.
 *
 * @module
 * @internal
 */
import type { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import type { ParamValue, RequestOptions } from '../core/types.js';
import { requireAvailable } from './release-gate.js';
import { check } from './validate.js';

/**
 * One option of an action: Proxmox's name for it, how to check (and encode) its value, and the
 * first release that has it.
 *
 * @internal
 */
export interface OptionSpec {
  /** The parameter name Proxmox uses. */
  readonly param: string;
  /** Checks the value; returns what to send or throws a `TypeError` naming `name`. */
  readonly read: (name: string, value: unknown) => ParamValue;
  /** The first release (`'8.0'`) that has the parameter; older ones get an `UnsupportedError`. */
  readonly since?: string;
}

/** The options an action accepts, by their camelCase names. @internal */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** A release gate found in the arguments: the thing to name, and the release that has it. @internal */
export interface Gate {
  /** What needs the release (`stop option overruleShutdown`). */
  readonly feature: string;
  /** The first release that has it. */
  readonly since: string;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function simple(test: (v: unknown) => boolean, rule: string): (name: string, value: unknown) => ParamValue {
  return (name, value) => {
    if (!test(value)) throw new TypeError(`${name} must be ${rule}, got ${describe(value)}`);
    return value as ParamValue;
  };
}

/** @internal */
export const readers = {
  /** `true` or `false` (sent as 1/0). */
  boolean: simple((v) => typeof v === 'boolean', 'a boolean'),
  /** A boolean or 0/1 (Proxmox's integer flags, e.g. a firewall rule's `enable`). */
  flag: simple((v) => typeof v === 'boolean' || v === 0 || v === 1, 'a boolean (or 0/1)'),
  /** An integer ≥ 0. */
  count: simple((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0, 'an integer ≥ 0'),
  /** A finite number ≥ 0. */
  amount: simple((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a number ≥ 0'),
  /** A non-empty string. */
  text: simple((v) => typeof v === 'string' && v !== '', 'a non-empty string'),
  /** Any string (empty allowed: Proxmox reads it as "clear"). */
  string: simple((v) => typeof v === 'string', 'a string'),
  /** A list of keys, as an array or a comma-separated string; sent comma-separated. */
  keys: (name: string, value: unknown): ParamValue => {
    const list = typeof value === 'string' ? value.split(/[,;\s]+/).filter(Boolean) : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((k) => typeof k === 'string' && /^[a-z][a-z0-9_\-[\]]*$/i.test(k))) {
      throw new TypeError(`${name} must be a non-empty list of keys (an array or "a,b"), got ${describe(value)}`);
    }
    return list.join(',');
  },
  /** Checked with a zod schema of `validate.ts` (node, storage, vmid, snapshot name…). */
  schema:
    <T extends ParamValue>(schema: z.ZodType<T>) =>
    (name: string, value: unknown): ParamValue =>
      check(name, schema, value),
  /** One of the given strings. */
  oneOf: (values: readonly string[]) =>
    simple((v) => typeof v === 'string' && values.includes(v), `one of ${values.map((v) => `"${v}"`).join(', ')}`),
} as const;

/**
 * An option spec.
 *
 * @param param - Proxmox's parameter name.
 * @param read - How to check the value (one of {@link readers}).
 * @param since - The first release with the parameter, if not all.
 * @internal
 */
export function opt(param: string, read: OptionSpec['read'], since?: string): OptionSpec {
  return since === undefined ? { param, read } : { param, read, since };
}

/**
 * Checks an action's options against its table and maps them to Proxmox's names. Options left
 * `undefined` are not sent.
 *
 * @param what - The action, for messages (`clone`).
 * @param table - The options it accepts.
 * @param options - What the caller passed (`undefined` for none).
 * @param gates - Collects the options that need a release (checked by {@link requireGates}).
 * @returns The parameters to send.
 * @throws TypeError for something other than an object, an unknown option or a bad value.
 * @internal
 */
export function mapOptions(what: string, table: OptionTable, options: unknown, gates: Gate[] = []): Record<string, ParamValue> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${what}: options must be an object, got ${describe(options)}`);
  const out: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const spec = Object.hasOwn(table, key) ? table[key] : undefined;
    if (!spec) {
      const known = Object.keys(table);
      throw new TypeError(`${what}: unknown option "${key}"${known.length ? ` (known: ${known.join(', ')})` : ' (it takes none)'}`);
    }
    out[spec.param] = spec.read(key, value);
    if (spec.since !== undefined) gates.push({ feature: `${what} option "${key}"`, since: spec.since });
  }
  return out;
}

/**
 * Throws `UnsupportedError` when the connected release lacks one of the gated features. Asks
 * `api.version()` (cached by the session) only when there is a gate to check.
 *
 * @param api - The session.
 * @param gates - What needs which release.
 * @param options - Signal, timeout and retries of the version request.
 * @throws UnsupportedError naming the feature, the release, and the first release that has it.
 * @internal
 */
export async function requireGates(api: ProxmoxAPI, gates: readonly Gate[], options?: RequestOptions): Promise<void> {
  if (gates.length === 0) return;
  const info = await api.version(options);
  for (const gate of gates) requireAvailable(info, gate.feature, { since: gate.since });
}

/**
 * Checks a record of Proxmox's own keys (a guest config, firewall options): an object whose values
 * are strings, numbers or booleans (`undefined` left out).
 *
 * @param what - The argument, for messages (`config`).
 * @param value - What the caller passed.
 * @returns The entries to send.
 * @throws TypeError for something other than such an object.
 * @internal
 */
export function readRecord(what: string, value: unknown): Record<string, string | number | boolean> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${what} must be an object, got ${describe(value)}`);
  const out: Record<string, string | number | boolean> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (!/^[a-z][a-z0-9_\-[\]]*$/i.test(key)) throw new TypeError(`${what}: "${key}" is not a Proxmox key`);
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string' && typeof v !== 'boolean') {
      throw new TypeError(`${what}.${key} must be a string, a finite number or a boolean, got ${describe(v)}`);
    }
    out[key] = v;
  }
  return out;
}
