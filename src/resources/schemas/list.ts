/**
 * `listOf(schema)`: `z.array(schema)` for long lists of flat, loose objects, with a fast path that
 * gives the very same output for the entries Proxmox normally sends; and `objectOf(schema)`, the
 * same idea for one object that is parsed very often (a guest's status).
 *
 * Why: zod runs every declared field of every entry through its schema (an object and an issue
 * list per field, a union and a pipe per loose field). On `cluster.resources()` with 10 000 guests
 * that is 3–5 times the time of the `JSON.parse` of the body (the benchmark, `npm run bench`).
 * Here the object schema is read once and compiled into a plain check per field kind; an entry
 * that passes is copied as zod would copy it (declared fields first in declaration order, values
 * converted the same way, then the undeclared fields in input order). The first entry that does
 * not pass sends the whole list to zod itself, so anything unusual — a number sent as a string, a
 * missing field, a wrong type — is parsed, coerced or reported exactly as by `z.array(schema)`.
 *
 * @internal
 * @module
 */
import { z } from 'zod';
import { looseBoolean, looseNumber, looseString } from './loose.js';

/** What the fast path knows how to copy: a plain string, or one of the loose primitives. */
type Kind = 'string' | 'looseNumber' | 'looseString' | 'looseBoolean';

interface Field {
  key: string;
  kind: Kind;
  optional: boolean;
}

/** What `objectOf` also knows how to check: a nested loose object (`z.unknown()` fields need no check). */
type CheckedField =
  | { key: string; optional: boolean; kind: Kind }
  | { key: string; optional: boolean; kind: 'object'; fields: CheckedField[] };

interface ZodInternals {
  _zod: { def: { type: string; innerType?: unknown; checks?: unknown[]; catchall?: unknown; shape?: Record<string, unknown> } };
}

function internals(schema: unknown): ZodInternals['_zod']['def'] | undefined {
  return (schema as Partial<ZodInternals> | undefined)?._zod?.def;
}

function kindOf(schema: unknown): Kind | undefined {
  if (schema === looseNumber) return 'looseNumber';
  if (schema === looseString) return 'looseString';
  if (schema === looseBoolean) return 'looseBoolean';
  const def = internals(schema);
  if (def?.type === 'string' && (def.checks === undefined || def.checks.length === 0)) return 'string';
  return undefined;
}

/** The fields of a loose object schema the fast path can copy, or undefined when it cannot. */
function compile(schema: z.ZodType): Field[] | undefined {
  const def = internals(schema);
  if (def?.type !== 'object' || def.shape === undefined) return undefined;
  if (internals(def.catchall)?.type !== 'unknown') return undefined; // loose objects only
  const fields: Field[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const fieldDef = internals(field);
    const optional = fieldDef?.type === 'optional';
    const kind = kindOf(optional ? fieldDef?.innerType : field);
    if (kind === undefined || key === '__proto__') return undefined;
    fields.push({ key, kind, optional });
  }
  return fields;
}

/** The fields of a loose object schema `objectOf` can check, nested loose objects included, or undefined. */
function compileChecks(schema: unknown): CheckedField[] | undefined {
  const def = internals(schema);
  if (def?.type !== 'object' || def.shape === undefined) return undefined;
  if (internals(def.catchall)?.type !== 'unknown') return undefined; // loose objects only
  const fields: CheckedField[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    if (key === '__proto__') return undefined;
    const fieldDef = internals(field);
    const optional = fieldDef?.type === 'optional';
    const inner = optional ? fieldDef?.innerType : field;
    if (internals(inner)?.type === 'unknown') continue; // any value, or none: nothing to check
    const kind = kindOf(inner);
    if (kind !== undefined) {
      fields.push({ key, kind, optional });
      continue;
    }
    const nested = compileChecks(inner);
    if (nested === undefined) return undefined;
    fields.push({ key, kind: 'object', fields: nested, optional });
  }
  return fields;
}

/** A plain object, of this realm or another (a test sandbox's `JSON.parse`): what zod's output is. */
function isPlainObject(input: unknown): input is Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && (proto === null || Object.getPrototypeOf(proto) !== null)) return false;
  return !Object.hasOwn(input, '__proto__');
}

/**
 * The statements that check the object in variable `o${depth}` against `fields` and turn its
 * `0`/`1` flags into booleans in place, returning false where zod must decide.
 */
function checkStatements(fields: readonly CheckedField[], depth: number): string {
  const o = `o${depth}`;
  const v = `v${depth}`;
  let out = `if (!isPlainObject(${o})) return false;\nlet ${v};\n`;
  for (const field of fields) {
    const key = JSON.stringify(field.key);
    out += `${v} = ${o}[${key}];\n`;
    // Absent or undefined: zod leaves an optional field as it is.
    out += `if (${v} === undefined) { ${field.optional ? '' : 'return false;'} } else {\n`;
    switch (field.kind) {
      case 'string':
      case 'looseString':
        out += `if (typeof ${v} !== 'string') return false;\n`;
        break;
      case 'looseNumber':
        out += `if (typeof ${v} !== 'number' || !Number.isFinite(${v})) return false;\n`;
        break;
      case 'looseBoolean':
        out += `if (${v} === 0 || ${v} === 1) ${o}[${key}] = ${v} === 1; else if (typeof ${v} !== 'boolean') return false;\n`;
        break;
      case 'object':
        out += `const o${depth + 1} = ${v};\n${checkStatements(field.fields, depth + 1)}`;
        break;
    }
    out += '}\n';
  }
  return out;
}

/**
 * Compiles the check of `fields` into a function, as zod compiles its object parsers: each field
 * read by its name (a keyed loop over 40 names cost more than the rest of the check). Undefined
 * where the runtime forbids generating code (zod's own parsers fall back then too).
 */
function compileCheck(fields: readonly CheckedField[]): ((input: unknown) => boolean) | undefined {
  try {
    // The source holds only the schema's own field names, as JSON string literals.
    const make = new Function('isPlainObject', `return function check(o0) {\n${checkStatements(fields, 0)}return true;\n};`) as (
      isPlain: typeof isPlainObject,
    ) => (input: unknown) => boolean;
    return make(isPlainObject);
  } catch {
    return undefined;
  }
}

/** Copies one entry as the object schema would, or returns undefined to leave it to zod. */
function copy(entry: unknown, fields: readonly Field[], declared: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const input = entry as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let present = 0;
  for (const { key, kind, optional } of fields) {
    const value = input[key];
    if (value === undefined) {
      if (!optional || key in input) return undefined;
      continue;
    }
    present++;
    switch (kind) {
      case 'string':
      case 'looseString':
        if (typeof value !== 'string') return undefined;
        out[key] = value;
        break;
      case 'looseNumber':
        if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
        out[key] = value;
        break;
      case 'looseBoolean':
        if (typeof value === 'boolean') out[key] = value;
        else if (value === 0 || value === 1) out[key] = value === 1;
        else return undefined;
        break;
    }
  }
  // Undeclared fields follow, in input order (most entries have none: skip the scan then).
  if (Object.keys(input).length === present && Object.getPrototypeOf(input) === Object.prototype) return out;
  for (const key in input) {
    if (declared.has(key)) continue;
    if (key === '__proto__' || !Object.hasOwn(input, key)) return undefined;
    out[key] = input[key];
  }
  return out;
}

/**
 * `z.array(schema)` with a fast path for flat loose objects (see the module's comment). For a
 * schema it cannot compile (nested objects, other field types, a strict object), it is exactly
 * `z.array(schema)`.
 *
 * @param schema - The schema of one entry: a `z.looseObject` of plain strings and loose primitives.
 * @returns A schema of the list with the same output type, output values and issues as `z.array(schema)`.
 * @internal
 * @example
 * ```ts
 * const Resources = listOf(ClusterResourceSchema);
 * Resources.parse([{ id: 'qemu/100', type: 'qemu', template: 0 }]); // [{ id: 'qemu/100', type: 'qemu', template: false }]
 * ```
 */
export function listOf<S extends z.ZodType>(schema: S): z.ZodType<Array<z.output<S>>> {
  const full = z.array(schema);
  const fields = compile(schema);
  if (fields === undefined) return full;
  const declared = new Set(fields.map((f) => f.key));
  return z.unknown().transform((input, ctx) => {
    if (Array.isArray(input)) {
      const out: Array<Record<string, unknown>> = new Array(input.length);
      let i = 0;
      for (; i < input.length; i++) {
        const entry = copy(input[i], fields, declared);
        if (entry === undefined) break;
        out[i] = entry;
      }
      if (i === input.length) return out as Array<z.output<S>>;
    }
    const result = full.safeParse(input);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  }) as unknown as z.ZodType<Array<z.output<S>>>;
}

/**
 * `schema` with a fast path for an object parsed very often, such as a guest's status: an input
 * that already has the output's types (Proxmox's usual answer) is returned itself, its `0`/`1`
 * flags turned into booleans in place, instead of being copied field by field by zod (whose
 * parse of a guest's status cost more CPU than the rest of the SDK's request). Anything else —
 * a number sent as a string, a missing field, a wrong type — goes to `schema` itself, so coercion
 * and issues are zod's. The result has the same fields and values as zod's; its key order is the
 * input's (zod puts the declared fields first). The input is changed: give it a freshly parsed
 * body. The check is compiled once into a function that reads each field by name, as zod's own
 * object parsers are. A schema it cannot check (other field types, checks, a strict object), or a
 * runtime that forbids generating code, gets `schema` itself.
 *
 * @param schema - A `z.looseObject` of plain strings, loose primitives, `z.unknown()` and nested such objects.
 * @returns A schema with the same output type, output values and issues as `schema`.
 * @internal
 * @example
 * ```ts
 * const Status = objectOf(GuestStatusSchema);
 * Status.parse(JSON.parse('{"status":"running","agent":1}')); // { status: 'running', agent: true }
 * ```
 */
export function objectOf<S extends z.ZodType>(schema: S): z.ZodType<z.output<S>> {
  const fields = compileChecks(schema);
  const check = fields === undefined ? undefined : compileCheck(fields);
  if (check === undefined) return schema as unknown as z.ZodType<z.output<S>>;
  return z.unknown().transform((input, ctx) => {
    // A flag turned before a later field fails is harmless: zod reads `true` as it reads `1`.
    if (check(input)) return input as z.output<S>;
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  }) as unknown as z.ZodType<z.output<S>>;
}
