/**
 * Parameter validation as Proxmox VE's JSON schema checker does it, written by hand with zod.
 *
 * Every route declares its parameters as a {@link ParamShape}: a name (or an indexed name such as
 * `net[n]`) mapped to a {@link Param}. Values arrive as strings (query or form body) or as JSON
 * values; each param turns them into a typed value or reports PVE's own message for the 400.
 *
 * @module
 * @internal
 */
import { z } from 'zod';

/** One declared parameter: how to check and convert its value, and whether it may be left out. */
export interface Param {
  /** Converts the raw value (as received) to the typed value, or fails with PVE's message. */
  readonly schema: z.ZodType<unknown, unknown>;
  /** Whether the parameter may be absent. */
  readonly optional: boolean;
}

/** The parameters of one route, by name; `name[n]` declares the indexed family `name0`, `name1`, …. */
export type ParamShape = Readonly<Record<string, Param>>;

/** A value as it came in: a form or query string, an array of them, or a JSON scalar. */
export type RawValue = string | string[] | number | boolean | null | undefined | unknown[];

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return undefined;
}

function typeError(type: string, v: unknown): string {
  const got = Array.isArray(v) ? 'ARRAY' : typeof v === 'object' && v !== null ? 'HASH' : String(v);
  return `type check ('${type}') failed - got '${got}'`;
}

/** Options shared by the string params. */
interface StringOpts {
  maxLength?: number;
  pattern?: RegExp;
  enum?: readonly string[];
  /** A format check: returns the error message, or undefined when the value is fine. */
  format?: (v: string) => string | undefined;
}

function stringSchema(o: StringOpts = {}): z.ZodType<string, unknown> {
  return z.unknown().transform((v, ctx) => {
    const s = asText(v);
    if (s === undefined) {
      ctx.addIssue({ code: 'custom', message: typeError('string', v) });
      return z.NEVER;
    }
    if (o.maxLength !== undefined && s.length > o.maxLength) {
      ctx.addIssue({ code: 'custom', message: `value may only be ${o.maxLength} characters long` });
      return z.NEVER;
    }
    if (o.enum && !o.enum.includes(s)) {
      ctx.addIssue({ code: 'custom', message: `value '${s}' does not have a value in the enumeration '${o.enum.join(', ')}'` });
      return z.NEVER;
    }
    if (o.pattern && !new RegExp(`^(?:${o.pattern.source})$`).test(s)) {
      ctx.addIssue({ code: 'custom', message: 'value does not match the regex pattern' });
      return z.NEVER;
    }
    const err = o.format?.(s);
    if (err !== undefined) {
      ctx.addIssue({ code: 'custom', message: err });
      return z.NEVER;
    }
    return s;
  });
}

/** Proxmox's textual form of an `integer` and of a `number`. */
const NUMERIC = { integer: /^[+-]?\d+$/, number: /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/ } as const;

function numericSchema(type: keyof typeof NUMERIC, min?: number, max?: number): z.ZodType<number, unknown> {
  return z.unknown().transform((v, ctx) => {
    const s = asText(v);
    if (s === undefined || !NUMERIC[type].test(s)) {
      ctx.addIssue({ code: 'custom', message: typeError(type, v) });
      return z.NEVER;
    }
    const n = Number(s);
    if (min !== undefined && n < min) {
      ctx.addIssue({ code: 'custom', message: `value must have a minimum value of ${min}` });
      return z.NEVER;
    }
    if (max !== undefined && n > max) {
      ctx.addIssue({ code: 'custom', message: `value must have a maximum value of ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

const boolSchema: z.ZodType<boolean, unknown> = z.unknown().transform((v, ctx) => {
  const s = asText(v)?.toLowerCase();
  if (s === '1' || s === 'true' || s === 'yes' || s === 'on') return true;
  if (s === '0' || s === 'false' || s === 'no' || s === 'off') return false;
  ctx.addIssue({ code: 'custom', message: typeError('boolean', v) });
  return z.NEVER;
});

const arraySchema: z.ZodType<string[], unknown> = z.unknown().transform((v, ctx) => {
  if (Array.isArray(v)) {
    const out = v.map(asText);
    if (out.every((x): x is string => x !== undefined)) return out;
  }
  const s = asText(v);
  if (s !== undefined) return [s];
  ctx.addIssue({ code: 'custom', message: typeError('array', v) });
  return z.NEVER;
});

// ---- formats (PVE's verify_* functions, by their messages) ----

const NODE_RE = /^(?=.{1,63}$)[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
const STORAGE_ID_RE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const POOLID_RE = /^[A-Za-z0-9_\-/]+$/;
const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DNS_NAME_RE = new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const USERID_RE = /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$/;
const REALM_RE = /^[A-Za-z][A-Za-z0-9.\-_]+$/;
const VMID_LIST_RE = /^\d+([,;\s]+\d+)*$/;
const TAG_RE = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

const formats = {
  node: (v: string) => (NODE_RE.test(v) ? undefined : `value does not look like a valid node name`),
  configid: (v: string) => (CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'`),
  storageId: (v: string) => (STORAGE_ID_RE.test(v) ? undefined : `storage ID '${v}' contains illegal characters`),
  poolid: (v: string) => (POOLID_RE.test(v) ? undefined : `pool name '${v}' contains illegal characters`),
  dnsName: (v: string) => (DNS_NAME_RE.test(v) ? undefined : `value does not look like a valid DNS name`),
  userid: (v: string) => (USERID_RE.test(v) && v.length < 64 ? undefined : `value does not look like a valid user name`),
  realm: (v: string) => (REALM_RE.test(v) ? undefined : `value does not look like a valid realm name`),
  vmidList: (v: string) => (VMID_LIST_RE.test(v) ? undefined : `value does not look like a valid VM ID list`),
  tagList: (v: string) =>
    v.split(/[;, ]/).filter(Boolean).every((t) => TAG_RE.test(t)) ? undefined : `invalid tag list '${v}'`,
  configidList: (v: string) =>
    v.split(/[,; ]/).filter(Boolean).every((t) => CONFIGID_RE.test(t)) ? undefined : `invalid configuration ID list '${v}'`,
  volumeId: (v: string) => (/^[a-z][a-z0-9\-_.]*[a-z0-9]:.+$/i.test(v) ? undefined : `unable to parse volume ID '${v}'`),
  urlencoded: (v: string) => (/^[-%a-zA-Z0-9_.!~*'()]*$/.test(v) ? undefined : `invalid urlencoded string: ${v}`),
  storagePairList: (v: string) =>
    v.split(/[,; ]/).filter(Boolean).every((p) => /^([a-z][a-z0-9\-_.]*[a-z0-9]:)?[a-z][a-z0-9\-_.]*[a-z0-9]$|^1$/i.test(p))
      ? undefined
      : `invalid format - unable to parse storage pair '${v}'`,
} as const;

/** How to declare a parameter. */
export interface ParamBuilder {
  /** A parameter that must be present. */
  req: Param;
  /** The same parameter, but optional. */
  opt: Param;
}

function build(schema: z.ZodType<unknown, unknown>): ParamBuilder {
  return { req: { schema, optional: false }, opt: { schema, optional: true } };
}

/** Parameter builders for the types and formats of PVE's schema. */
export const p = {
  string: (o: StringOpts = {}) => build(stringSchema(o)),
  int: (min?: number, max?: number) => build(numericSchema('integer', min, max)),
  number: (min?: number, max?: number) => build(numericSchema('number', min, max)),
  bool: () => build(boolSchema),
  array: () => build(arraySchema),
  enum: (values: readonly string[]) => build(stringSchema({ enum: values })),
  node: () => build(stringSchema({ format: formats.node })),
  vmid: () => build(numericSchema('integer', 100, 999999999)),
  configid: () => build(stringSchema({ maxLength: 40, format: formats.configid })),
  storage: () => build(stringSchema({ format: formats.storageId })),
  poolid: () => build(stringSchema({ format: formats.poolid })),
  dnsName: () => build(stringSchema({ format: formats.dnsName })),
  userid: () => build(stringSchema({ maxLength: 64, format: formats.userid })),
  realm: () => build(stringSchema({ maxLength: 32, format: formats.realm })),
  vmidList: () => build(stringSchema({ format: formats.vmidList })),
  tags: () => build(stringSchema({ format: formats.tagList })),
  configidList: () => build(stringSchema({ format: formats.configidList })),
  volumeId: () => build(stringSchema({ format: formats.volumeId })),
  storagePairList: () => build(stringSchema({ format: formats.storagePairList })),
  digest: () => build(stringSchema({ maxLength: 40 })),
  /** A percent-encoded string (PVE's `urlencoded` format, e.g. `sshkeys`). */
  urlencoded: () => build(stringSchema({ format: formats.urlencoded })),
  /** A disk size as `resize` takes it: `+?\d+(\.\d+)?[KMGT]?`. */
  size: () => build(stringSchema({ pattern: /\+?\d+(\.\d+)?[KMGT]?/ })),
} as const;

/** Expands `prefix` + each of `0..count-1`, e.g. `range('scsi', 31)`. */
export function range(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** The disks of a VM that `resize` and `template` accept. */
export const QEMU_DISKS: readonly string[] = [
  ...range('ide', 4),
  ...range('scsi', 31),
  ...range('virtio', 16),
  ...range('sata', 6),
  'efidisk0',
  'tpmstate0',
];

/** The disks of a VM that `move_disk` accepts (its disks and the unused volumes). */
export const QEMU_MOVABLE_DISKS: readonly string[] = [...QEMU_DISKS, ...range('unused', 256)];

/** The volumes of a container that `resize` accepts. */
export const LXC_VOLUMES: readonly string[] = ['rootfs', ...range('mp', 256)];

/** The volumes of a container that `move_volume` accepts. */
export const LXC_MOVABLE_VOLUMES: readonly string[] = [...LXC_VOLUMES, ...range('unused', 256)];

/** The result of {@link validate}: the typed values, or PVE's per-parameter messages. */
export type ValidationResult =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; errors: Record<string, string> };

function lookup(shape: ParamShape, name: string): Param | undefined {
  const direct = shape[name];
  if (direct) return direct;
  const m = /^([a-z_-]+?)(\d+)$/i.exec(name);
  if (m) return shape[`${m[1]}[n]`];
  return undefined;
}

/**
 * Checks raw parameters against a shape as PVE does: every required one present, no undeclared
 * one, every value of its type. Returns the converted values or the `errors` of a 400.
 */
export function validate(shape: ParamShape, raw: Readonly<Record<string, RawValue>>): ValidationResult {
  const errors: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const param = lookup(shape, name);
    if (!param) {
      errors[name] = 'property is not defined in schema and the schema does not allow additional properties';
      continue;
    }
    if (value === undefined || value === null) continue;
    const res = param.schema.safeParse(value);
    if (res.success) values[name] = res.data;
    else errors[name] = res.error.issues[0]?.message ?? 'invalid value';
  }
  for (const [name, param] of Object.entries(shape)) {
    if (param.optional || name.endsWith('[n]')) continue;
    if (!(name in values) && !(name in errors)) errors[name] = 'property is missing and it is not optional';
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values };
}
