/**
 * The schema oracle: Proxmox's own API schemas (the api-viewer's `apidata.js` as JSON) loaded at
 * test time, and a checker that tells whether one request conforms to them the way Proxmox's
 * parameter verification (`PVE::JSONSchema::validate`, proxmox-schema for PBS) would see it.
 *
 * The schema files are not part of the project. They are read from `PVE_SCHEMA_DIR` (default
 * `../shared/pve-schema` beside the repository) and `PBS_SCHEMA_DIR` (default `../shared/pbs-schema`).
 * When a file is absent, {@link loadSchema} answers `undefined` and prints one line saying that the
 * check is skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { checkNamedFormat } from './formats.js';

/** The Proxmox VE releases the suite checks against. */
export const RELEASES = ['7.4', '8.4', '9.1'] as const;
/** A Proxmox VE release the suite checks against. */
export type PveRelease = (typeof RELEASES)[number];
/** The Proxmox Backup Server releases the suite checks against. */
export const PBS_RELEASES = ['4'] as const;
/** A Proxmox Backup Server release the suite checks against. */
export type PbsRelease = (typeof PBS_RELEASES)[number];
/** Which API. */
export type Product = 'pve' | 'pbs';
/** A release of either product. */
export type Release = PveRelease | PbsRelease;

/** The newest release of each product: the default when a test names none. */
export const LATEST: { readonly pve: PveRelease; readonly pbs: PbsRelease } = { pve: '9.1', pbs: '4' };

// ---------------------------------------------------------------------------------------------
// The JSON shapes

/** One parameter (or property-string key) as the schema describes it. */
export interface PropSchema {
  type?: string | string[];
  optional?: number | boolean;
  format?: string | PropertyStringFormat;
  enum?: unknown[];
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: PropSchema;
  requires?: string | Record<string, unknown>;
  alias?: string;
  keyAlias?: string;
  default_key?: number | boolean;
  description?: string;
  oneOf?: PropSchema[];
  'type-property'?: string;
  'instance-types'?: string[];
  properties?: Record<string, PropSchema>;
  additionalProperties?: unknown;
}

/**
 * A property-string format: PVE spells it as a map of key → schema; PBS as an object schema
 * (`{ type: 'object', properties, default_key? }`) or an array schema (`{ type: 'array', items }`).
 */
export type PropertyStringFormat = Record<string, PropSchema> | PbsStringFormat;
interface PbsStringFormat {
  type: 'object' | 'array';
  properties?: Record<string, PropSchema>;
  additionalProperties?: unknown;
  default_key?: string;
  items?: PropSchema;
}

/** One method of one endpoint. */
export interface MethodSchema {
  parameters?: { additionalProperties?: unknown; properties?: Record<string, PropSchema> };
  returns?: unknown;
  description?: string;
  name?: string;
}

/** One node of the schema tree as the JSON spells it. */
export interface RawNode {
  path: string;
  info?: Record<string, MethodSchema>;
  children?: RawNode[];
}

// ---------------------------------------------------------------------------------------------
// The index

interface TrieNode {
  literal: Map<string, TrieNode>;
  param?: { name: string; node: TrieNode };
  endpoint?: Endpoint;
}

/** One path of the API with its methods. */
export interface Endpoint {
  /** The path as the schema spells it: `/nodes/{node}/qemu/{vmid}`. */
  readonly template: string;
  /** Methods by name (`GET`, `POST`, `PUT`, `DELETE`). */
  readonly methods: Readonly<Record<string, MethodSchema>>;
}

/** A loaded, indexed schema of one release of one product. */
export interface ApiSchema {
  readonly product: Product;
  readonly release: Release;
  /** The file it came from. */
  readonly file: string;
  /** Every endpoint by template. */
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  /** @internal the path trie */
  readonly root: TrieNode;
}

/** The outcome of matching a concrete path against the schema's templates. */
export interface PathMatch {
  readonly endpoint: Endpoint;
  /** The path parameters, decoded: `{ node: 'pve1', vmid: '100' }`. */
  readonly params: Readonly<Record<string, string>>;
}

function newTrieNode(): TrieNode {
  return { literal: new Map() };
}

/**
 * Index a schema tree (the parsed JSON: an array of `{ path, info, children }` nodes). Tests use it
 * for small hand-written trees; {@link loadSchema} for the real files.
 */
export function indexSchema(product: Product, release: Release, tree: readonly RawNode[], file = '(inline)'): ApiSchema {
  const endpoints = new Map<string, Endpoint>();
  const root = newTrieNode();
  const walk = (nodes: readonly RawNode[]): void => {
    for (const node of nodes) {
      if (node.info && Object.keys(node.info).length > 0) {
        const endpoint: Endpoint = { template: node.path, methods: node.info };
        endpoints.set(node.path, endpoint);
        let at = root;
        for (const segment of node.path.split('/').filter((s) => s !== '')) {
          const param = /^\{([^}]+)\}$/.exec(segment);
          if (param) {
            const name = param[1] ?? segment;
            at.param ??= { name, node: newTrieNode() };
            at = at.param.node;
          } else {
            let next = at.literal.get(segment);
            if (!next) {
              next = newTrieNode();
              at.literal.set(segment, next);
            }
            at = next;
          }
        }
        at.endpoint = endpoint;
      }
      if (node.children) walk(node.children);
    }
  };
  walk(tree);
  return { product, release, file, endpoints, root };
}

/**
 * Match a concrete path (relative to `/api2/json`, without the query) against the templates. Like
 * Proxmox's router, a literal segment wins over a parameter segment at the same level. Segments are
 * split on `/` first and percent-decoded after, so an encoded `%2F` stays inside its segment.
 *
 * With `decoded: true` the path has already been percent-decoded (the simulator hands paths over
 * that way): segments are not decoded again, and a parameter may then span several segments
 * (`/content/local:iso/debian.iso` is the volume `local:iso/debian.iso`).
 */
export function matchPath(
  schema: ApiSchema,
  concretePath: string,
  options: { decoded?: boolean } = {},
): PathMatch | undefined {
  const raw = concretePath.split('/').filter((s) => s !== '');
  let segments: string[];
  if (options.decoded) {
    segments = raw;
  } else {
    try {
      segments = raw.map((s) => decodeURIComponent(s));
    } catch {
      return undefined;
    }
  }
  const walk = (at: TrieNode, i: number, params: Record<string, string>): PathMatch | undefined => {
    if (i === segments.length) return at.endpoint ? { endpoint: at.endpoint, params } : undefined;
    const segment = segments[i] ?? '';
    const literal = at.literal.get(segment);
    if (literal) {
      const found = walk(literal, i + 1, params);
      if (found || !options.decoded) return found;
    }
    if (!at.param) return undefined;
    const { name, node } = at.param;
    const widest = options.decoded ? segments.length : i + 1;
    for (let end = i + 1; end <= widest; end++) {
      const found = walk(node, end, { ...params, [name]: segments.slice(i, end).join('/') });
      if (found) return found;
    }
    return undefined;
  };
  return walk(schema.root, 0, {});
}

/** The schema of `METHOD template`, if the release has it: `endpointMethod(s, 'PUT', '/pools')`. */
export function endpointMethod(schema: ApiSchema, method: string, template: string): MethodSchema | undefined {
  return schema.endpoints.get(template)?.methods[method.toUpperCase()];
}

// ---------------------------------------------------------------------------------------------
// Loading, with one cache per jest worker

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The directory the schemas of a product are read from (`PVE_SCHEMA_DIR` / `PBS_SCHEMA_DIR`). */
export function schemaDir(product: Product): string {
  const variable = product === 'pve' ? 'PVE_SCHEMA_DIR' : 'PBS_SCHEMA_DIR';
  const fromEnv = process.env[variable];
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve(REPO_ROOT, '..', 'shared', `${product}-schema`);
}

/** The file of one release: `<dir>/pve-9.1.json`, `<dir>/pbs-4.json`. */
export function schemaFile(product: Product, release: Release): string {
  return path.join(schemaDir(product), `${product}-${release}.json`);
}

/** Is `release` a release of `product` the suite knows? */
export function isRelease(product: Product, release: string): release is Release {
  return product === 'pve'
    ? (RELEASES as readonly string[]).includes(release)
    : (PBS_RELEASES as readonly string[]).includes(release);
}

interface WorkerState {
  schemas: Map<string, ApiSchema>;
  noticed: Set<string>;
}

/**
 * Jest gives every test file its own module registry and global object, but Node's built-in
 * modules are shared by all test files of a worker. The cache hangs off one of them, under a
 * private symbol, so that each schema is parsed once per worker rather than once per test file.
 */
function workerState(): WorkerState {
  const holder = v8 as unknown as Record<symbol, WorkerState | undefined>;
  const key = Symbol.for('proxmox-sdk/tests/support/schema');
  let state = holder[key];
  if (!state) {
    state = { schemas: new Map(), noticed: new Set() };
    holder[key] = state;
  }
  return state;
}

/** The environment variable through which jest's global setup says which notices it printed. */
export const NOTICED_ENV = 'PROXMOX_SDK_ORACLE_NOTICED';

/** The one line printed when a schema is missing. */
export function skipNotice(product: Product, missing: string, release?: Release): string {
  const variable = product === 'pve' ? 'PVE_SCHEMA_DIR' : 'PBS_SCHEMA_DIR';
  const what = release ? `${product.toUpperCase()} ${release} schema` : `${product.toUpperCase()} schema directory`;
  return (
    `[schema oracle] ${what} not found at ${missing} (set ${variable}): ` +
    `requests are NOT checked against the ${product.toUpperCase()} schema.`
  );
}

/** What is missing for this release, if anything: the directory, or just the file. */
export function missingSchema(product: Product, release: Release): { path: string; notice: string } | undefined {
  const dir = schemaDir(product);
  if (!fs.existsSync(dir)) return { path: dir, notice: skipNotice(product, dir) };
  const file = schemaFile(product, release);
  if (!fs.existsSync(file)) return { path: file, notice: skipNotice(product, file, release) };
  return undefined;
}

function noticeOnce(key: string, line: string): void {
  const state = workerState();
  const printedByGlobalSetup = (process.env[NOTICED_ENV] ?? '').split('\n').includes(key);
  if (state.noticed.has(key) || printedByGlobalSetup) return;
  state.noticed.add(key);
  process.stderr.write(`${line}\n`);
}

/**
 * Load (once per jest worker, keyed by file path) and index the schema of one release. Answers
 * `undefined`, after printing one line the first time, when the schema file is absent.
 *
 * @throws Error for a release the suite does not know, or a file that is not a schema.
 */
export function loadSchema(product: Product, release: Release): ApiSchema | undefined {
  if (!isRelease(product, release)) throw new Error(`unknown ${product} release '${String(release)}'`);
  const file = schemaFile(product, release);
  const state = workerState();
  const cached = state.schemas.get(file);
  if (cached) return cached;
  const missing = missingSchema(product, release);
  if (missing) {
    noticeOnce(missing.path, missing.notice);
    return undefined;
  }
  const tree: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(tree)) throw new Error(`${file} is not an API schema (expected an array of path nodes)`);
  const schema = indexSchema(product, release, tree as RawNode[], file);
  state.schemas.set(file, schema);
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Patterns: Perl (PVE) and Rust (PBS) regular expressions in JavaScript

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\s',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1F\\x7F',
  punct: '!-\\/:-@\\[-`{-~',
};

function translatePosix(source: string): string {
  return source
    .replace(/\[\[:\^(\w+):\]\]/g, (all, name: string) => (POSIX_CLASSES[name] ? `[^${POSIX_CLASSES[name]}]` : all))
    .replace(/\[:(\w+):\]/g, (all, name: string) => POSIX_CLASSES[name] ?? all);
}

const patternCache = new Map<string, RegExp | null>();

/**
 * Compile a schema pattern. PVE's are Perl and implicitly anchored (`m/^$pattern$/`); inline
 * `(?^i:…)` groups make the whole expression case-insensitive here (JavaScript in Node 20 has no
 * inline modifiers), which is exact for every pattern the schemas hold. PBS's are Rust, written as
 * `/…/` and not implicitly anchored (`Regex::is_match`). Answers `null` when a pattern cannot be
 * translated: the value is then not checked against it.
 */
export function compilePattern(product: Product, pattern: string): RegExp | null {
  const key = `${product}\0${pattern}`;
  const cached = patternCache.get(key);
  if (cached !== undefined) return cached;
  let compiled: RegExp | null;
  try {
    if (product === 'pve') {
      const flags = /\(\?\^?[msx]*i[msx]*:/.test(pattern) ? 'i' : '';
      const source = translatePosix(pattern)
        .replace(/\(\?\^[imsx]*:|\(\?[imsx]+:/g, '(?:')
        .replace(/\{,(\d+)\}/g, '{0,$1}')
        .replace(/\\A/g, '^')
        .replace(/\\[zZ]/g, '$');
      compiled = new RegExp(`^(?:${source})$`, flags);
    } else {
      let source = pattern.startsWith('/') && pattern.endsWith('/') && pattern.length > 1 ? pattern.slice(1, -1) : pattern;
      let flags = '';
      const lead = /^\(\?([imsx]+)\)/.exec(source);
      if (lead) {
        flags = [...new Set((lead[1] ?? '').replace(/x/g, ''))].join('');
        source = source.slice(lead[0].length);
      }
      source = translatePosix(source).replace(/\(\?P</g, '(?<');
      compiled = new RegExp(source, flags);
    }
  } catch {
    compiled = null;
  }
  patternCache.set(key, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Parameters as they arrive

/** One parameter value: a form field is a string; a JSON body can carry anything. */
export type ParamValue = unknown;
/** Parameters in any of the shapes a test or the simulator holds them. */
export type ParamsInput =
  | string
  | Buffer
  | URLSearchParams
  | Readonly<Record<string, unknown>>
  | ReadonlyMap<string, unknown>
  | null
  | undefined;

/**
 * Turn a query string, a form body, a JSON body or an already-parsed object into a map of
 * parameters. Repeated form keys become arrays (how Proxmox receives array parameters).
 *
 * @throws SyntaxError for a body declared (or looking) like JSON that does not parse.
 */
export function parseParams(input: ParamsInput, contentType?: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (input === null || input === undefined) return out;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const text = typeof input === 'string' ? input : input.toString('utf8');
    const trimmed = text.trim();
    if (trimmed === '') return out;
    const isJson = contentType ? /json/i.test(contentType) : trimmed.startsWith('{');
    if (isJson) {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new SyntaxError('a JSON body must be an object');
      }
      for (const [k, v] of Object.entries(parsed)) out.set(k, v);
      return out;
    }
    return parseParams(new URLSearchParams(text.replace(/^\?/, '')));
  }
  if (input instanceof URLSearchParams) {
    for (const key of new Set(input.keys())) {
      const all = input.getAll(key);
      out.set(key, all.length === 1 ? all[0] : all);
    }
    return out;
  }
  const entries = input instanceof Map ? [...input.entries()] : Object.entries(input);
  for (const [k, v] of entries) if (v !== undefined) out.set(String(k), v);
  return out;
}

function mergeParams(into: Map<string, unknown>, from: Map<string, unknown>): void {
  for (const [k, v] of from) {
    if (!into.has(k)) {
      into.set(k, v);
      continue;
    }
    const before = into.get(k);
    into.set(k, [...(Array.isArray(before) ? before : [before]), ...(Array.isArray(v) ? v : [v])]);
  }
}

// ---------------------------------------------------------------------------------------------
// Indexed parameter names: `net[n]` in the schema, `net0` on the wire

/**
 * The last valid index of each indexed property, from the constants that generate the keys in
 * Proxmox's sources (the schema states it in prose for some, not at all for others, and the `usb`
 * prose gives two answers): qemu-server `$MAX_IDE_DISKS` = 4, `$MAX_SCSI_DISKS` = 31,
 * `$MAX_VIRTIO_DISKS` = 16, `$MAX_SATA_DISKS` = 6, `$MAX_UNUSED_DISKS` = 256, `$MAX_NETS` = 32 (also
 * `ipconfig`), `$MAX_SERIAL_PORTS` = 4, `$MAX_PARALLEL_PORTS` = 3, `$MAX_HOSTPCI_DEVICES` = 16,
 * `$MAX_USB_DEVICES` = 14, `$MAX_NUMA` = 8, `$MAX_VIRTIOFS` = 10; pve-container
 * `$MAX_MOUNT_POINTS` = 256, `$MAX_DEVICES` = 256, `$MAX_LXC_NETWORKS` = 32 (older pve-container
 * had 10: we allow 32 everywhere); pve-cluster `MAX_LINK_INDEX` = 7 and pve-manager `$MAXDOMAINS` = 5,
 * both inclusive loops.
 */
export const INDEX_MAX: Readonly<Record<string, number>> = {
  ide: 3, scsi: 30, virtio: 15, sata: 5, unused: 255, net: 31, ipconfig: 31, serial: 3, parallel: 2,
  hostpci: 15, usb: 13, numa: 7, virtiofs: 9, mp: 255, dev: 255, link: 7, acmedomain: 5,
};

function indexMax(prefix: string, schema: PropSchema): number | undefined {
  const known = INDEX_MAX[prefix];
  if (known !== undefined) return known;
  const prose = /\(n is 0 to (\d+)/.exec(schema.description ?? '');
  return prose ? Number(prose[1]) : undefined;
}

type Resolved = { schema: PropSchema; name: string } | { error: string } | undefined;

/** Find the schema of a parameter name: literally, or as `prefix[n]`. */
function resolveParam(properties: Record<string, PropSchema>, name: string): Resolved {
  const literal = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : undefined;
  if (literal) return { schema: literal, name };
  const m = /^(.*?)(0|[1-9]\d*)$/.exec(name);
  if (!m) return undefined;
  const prefix = m[1] ?? '';
  const index = Number(m[2]);
  const indexed = properties[`${prefix}[n]`];
  if (!indexed) return undefined;
  const max = indexMax(prefix, indexed);
  if (max !== undefined && index > max) {
    return { error: `parameter '${name}': index ${index} is out of range for '${prefix}[n]' (0 to ${max})` };
  }
  return { schema: indexed, name: `${prefix}[n]` };
}

// ---------------------------------------------------------------------------------------------
// Checking values

interface Ctx {
  product: Product;
  release: Release;
}

const SECRET_NAME = /pass(word)?|secret|ticket|otp|tfa|csrf/i;

function show(value: unknown, name = ''): string {
  if (SECRET_NAME.test(name)) return '<redacted>';
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const isInteger = (v: string): boolean => /^[+-]?\d+$/.test(v);
const isNumber = (v: string): boolean => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v);

/** Proxmox's `parse_boolean` (property strings everywhere, and every PBS boolean). */
function parseBoolean(v: string): 0 | 1 | undefined {
  if (/^(1|on|yes|true)$/i.test(v)) return 1;
  if (/^(0|off|no|false)$/i.test(v)) return 0;
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A scalar as Perl would stringify it. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return undefined;
}

function checkType(type: string, value: unknown, ctx: Ctx, lenientBoolean: boolean): string | undefined {
  const got = Array.isArray(value) ? 'an array' : isObject(value) ? 'an object' : `'${show(value)}'`;
  switch (type) {
    case 'array':
      return Array.isArray(value) ? undefined : `type check ('array') failed - got ${got}`;
    case 'object':
      return isObject(value) ? undefined : `type check ('object') failed - got ${got}`;
    case 'any':
    case 'null':
      return undefined;
  }
  if (Array.isArray(value) || isObject(value)) return `type check ('${type}') failed - got ${got}`;
  switch (type) {
    case 'string':
      return typeof value === 'boolean' ? `type check ('string') failed - got a boolean` : undefined;
    case 'boolean': {
      if (typeof value === 'boolean') return undefined;
      const text = scalarText(value) ?? '';
      // PVE's check_type accepts exactly '0' and '1' (its true/yes/on branch is commented out);
      // PBS, and property strings, go through parse_boolean.
      const ok = lenientBoolean || ctx.product === 'pbs' ? parseBoolean(text) !== undefined : text === '0' || text === '1';
      return ok ? undefined : `type check ('boolean') failed - got ${got}`;
    }
    case 'integer':
      return isInteger(scalarText(value) ?? '') ? undefined : `type check ('integer') failed - got ${got}`;
    case 'number':
      return isNumber(scalarText(value) ?? '') ? undefined : `type check ('number') failed - got ${got}`;
    default:
      return undefined;
  }
}

function isPbsStringFormat(format: PropertyStringFormat): format is PbsStringFormat {
  return typeof format.type === 'string';
}

/**
 * Check one value against its schema, in the order `PVE::JSONSchema::check_prop` does: type, then
 * format, pattern, maxLength, minLength, maximum, minimum, enum. Answers the first complaint.
 */
export function checkValue(schema: PropSchema, value: unknown, ctx: Ctx, lenientBoolean = false): string | undefined {
  if (schema.oneOf && schema.oneOf.length > 0) {
    const errors = schema.oneOf.map((alt) => checkValue(alt, value, ctx, lenientBoolean));
    return errors.some((e) => e === undefined) ? undefined : errors[0];
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0) {
    const errors = types.map((t) => checkType(t, value, ctx, lenientBoolean));
    if (errors.every((e) => e !== undefined)) return errors[0];
  }
  if (Array.isArray(value)) {
    if (!schema.items) return undefined;
    for (const [i, item] of value.entries()) {
      const err = checkValue(schema.items, item, ctx, lenientBoolean);
      if (err) return `item ${i}: ${err}`;
    }
    return undefined;
  }
  if (isObject(value)) return undefined;
  const text = scalarText(value);
  if (text === undefined) return undefined;

  if (schema.format !== undefined) {
    const err =
      typeof schema.format === 'string'
        ? checkNamedFormat(schema.format, text, ctx.release)
        : checkPropertyString(schema.format, text, ctx);
    if (err) return `invalid format - ${err}`;
  }
  if (schema.pattern !== undefined) {
    const re = compilePattern(ctx.product, schema.pattern);
    if (re && !re.test(text)) return `value does not match the regex pattern ${schema.pattern}`;
  }
  const length = [...text].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    return `value may only be ${schema.maxLength} characters long`;
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    return `value must be at least ${schema.minLength} characters long`;
  }
  if (isNumber(text)) {
    const n = Number(text);
    if (schema.maximum !== undefined && n > Number(schema.maximum)) {
      return `value must have a maximum value of ${schema.maximum}`;
    }
    if (schema.minimum !== undefined && n < Number(schema.minimum)) {
      return `value must have a minimum value of ${schema.minimum}`;
    }
  }
  if (schema.enum && !schema.enum.some((e) => String(e) === text)) {
    return `value '${show(text)}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
  }
  return undefined;
}

/** Proxmox's property strings: `virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1`. */
export function checkPropertyString(format: PropertyStringFormat, data: string, ctx: Ctx): string | undefined {
  if (isPbsStringFormat(format)) return checkPbsPropertyString(format, data, ctx);
  // PVE::JSONSchema::parse_property_string
  const res = new Map<string, string>();
  let defaultKey: string | undefined;
  for (const part of data.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    if (kv) {
      let key = kv[1] ?? '';
      const value = kv[2] ?? '';
      if (res.has(key)) return `duplicate key in comma-separated list property: ${key}`;
      let schema = format[key];
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (res.has(schema.keyAlias)) return `key alias '${schema.keyAlias}' is already defined`;
          res.set(schema.keyAlias, key);
        }
        key = schema.alias;
        schema = format[key];
      }
      if (!schema) return `invalid key in comma-separated list property: ${key}`;
      const bool = schema.type === 'boolean' ? parseBoolean(value) : undefined;
      res.set(key, bool === undefined ? value : String(bool));
    } else if (!part.includes('=')) {
      if (defaultKey) return `duplicate key in comma-separated list property: ${defaultKey}`;
      defaultKey = Object.keys(format).find((k) => format[k]?.default_key);
      if (!defaultKey) return 'value without key, but schema does not define a default key';
      if (res.has(defaultKey)) return `duplicate key in comma-separated list property: ${defaultKey}`;
      res.set(defaultKey, part);
    } else {
      return 'missing key in comma-separated list property';
    }
  }
  // check_object with additional properties disallowed
  for (const [key, schema] of Object.entries(format)) {
    const value = res.get(key);
    if (value === undefined) {
      if (!schema.optional && !schema.alias) return `${key}: property is missing and it is not optional`;
      continue;
    }
    const err = checkValue(schema, value, ctx, true);
    if (err) return `${key}: ${err}`;
    if (typeof schema.requires === 'string' && !res.has(schema.requires)) {
      return `${schema.requires}: missing property - '${key}' requires this property`;
    }
  }
  return undefined;
}

/** proxmox-schema property strings: quoted values, a default key, or a list for array formats. */
function checkPbsPropertyString(format: PbsStringFormat, data: string, ctx: Ctx): string | undefined {
  if (format.type === 'array') {
    if (!format.items) return undefined;
    for (const item of data.split(/[,;\s]+/).filter((s) => s !== '')) {
      const err = checkValue(format.items, item, ctx, true);
      if (err) return `list item '${show(item)}': ${err}`;
    }
    return undefined;
  }
  const properties = format.properties ?? {};
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of data) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const seen = new Set<string>();
  for (const part of parts) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    let key: string | undefined;
    let value: string;
    if (eq > 0) {
      key = part.slice(0, eq);
      value = part.slice(eq + 1);
    } else {
      key = format.default_key;
      value = part;
      if (!key) return `value without key, but schema does not define a default key`;
    }
    value = value.replace(/^"(.*)"$/, '$1');
    if (seen.has(key)) return `duplicate key '${key}'`;
    seen.add(key);
    const schema = properties[key];
    if (!schema) {
      if (format.additionalProperties === true || format.additionalProperties === 1) continue;
      return `schema does not allow additional properties: '${key}'`;
    }
    const err = checkValue(schema, value, ctx, true);
    if (err) return `${key}: ${err}`;
  }
  for (const [key, schema] of Object.entries(properties)) {
    if (!schema.optional && !seen.has(key)) return `${key}: property is missing and it is not optional`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Checking requests

/** A request to check. `path` is relative to `/api2/json` (a full `/api2/json/...` path is fine too). */
export interface RequestToCheck {
  method: string;
  /** The concrete path, e.g. `/nodes/pve1/qemu/100/config`; a query string on it is read as well. */
  path: string;
  /** Already-collected parameters (query and body together), in any {@link ParamsInput} shape. */
  params?: ParamsInput;
  /** The query string or parsed query. */
  query?: ParamsInput;
  /** The body: form-encoded or JSON text, or a parsed object. */
  body?: ParamsInput;
  /** The body's content type, to tell JSON from a form. */
  contentType?: string;
  /** The path is already percent-decoded (see {@link matchPath}). */
  pathDecoded?: boolean;
}

/** Strip `/api2/json` and split off the query string. */
export function splitApiPath(fullPath: string): { path: string; query: string } {
  const q = fullPath.indexOf('?');
  let p = q >= 0 ? fullPath.slice(0, q) : fullPath;
  const query = q >= 0 ? fullPath.slice(q + 1) : '';
  p = p.replace(/^\/api2\/(json|extjs)(?=\/|$)/, '');
  return { path: p === '' ? '/' : p, query };
}

/**
 * Check one request against a schema. Answers human-readable violations; none when it conforms:
 * the path exists and has the method; every required parameter is there (path parameters come from
 * the path); no undeclared parameter is sent; every value fits its type, format, pattern, length,
 * range and enum; indexed names (`net0`) match `net[n]` within the index range; a parameter's
 * `requires` is satisfied.
 */
export function checkRequest(schema: ApiSchema, request: RequestToCheck): string[] {
  const ctx: Ctx = { product: schema.product, release: schema.release };
  const method = request.method.toUpperCase();
  const { path: apiPath, query: inlineQuery } = splitApiPath(request.path);
  const where = `${schema.product.toUpperCase()} ${schema.release}: ${method} ${apiPath}`;
  const violations: string[] = [];
  const add = (message: string): void => {
    violations.push(`${where}: ${message}`);
  };

  if (/\/\//.test(apiPath) || (apiPath.length > 1 && apiPath.endsWith('/'))) {
    add('the path has an empty segment');
  }
  const match = matchPath(schema, apiPath, { decoded: request.pathDecoded ?? false });
  if (!match) {
    add(`no such path in the ${schema.product.toUpperCase()} ${schema.release} schema`);
    return violations;
  }
  const { endpoint } = match;
  const info = endpoint.methods[method];
  if (!info) {
    const allowed = Object.keys(endpoint.methods).sort().join(', ');
    add(`method ${method} is not defined for ${endpoint.template} (it has ${allowed})`);
    return violations;
  }

  const params = new Map<string, unknown>();
  try {
    mergeParams(params, parseParams(inlineQuery));
    mergeParams(params, parseParams(request.query));
    mergeParams(params, parseParams(request.params));
    mergeParams(params, parseParams(request.body, request.contentType));
  } catch (err) {
    add(`the body does not parse: ${(err as Error).message}`);
    return violations;
  }
  for (const [name, value] of params) if (value === null) params.delete(name);

  const properties = info.parameters?.properties ?? {};
  const additional = info.parameters?.additionalProperties;
  const allowsAdditional = additional === true || additional === 1 || additional === '1';

  for (const [name, value] of Object.entries(match.params)) {
    if (params.has(name)) add(`parameter '${name}' is sent again although the path holds it`);
    params.set(name, value);
  }

  for (const [name, prop] of Object.entries(properties)) {
    if (name.endsWith('[n]') || prop.optional || prop.alias) continue;
    if (!params.has(name)) add(`missing required parameter '${name}'`);
  }

  for (const [name, raw] of params) {
    const resolved = resolveParam(properties, name);
    if (resolved === undefined) {
      if (!allowsAdditional) add(`undeclared parameter '${name}'`);
      continue;
    }
    if ('error' in resolved) {
      add(resolved.error);
      continue;
    }
    const prop = resolved.schema;
    let value = raw;
    const isArrayParam = prop.type === 'array' || (Array.isArray(prop.type) && prop.type.includes('array'));
    if (isArrayParam && !Array.isArray(value)) value = [value];
    if (!isArrayParam && Array.isArray(value)) {
      add(`parameter '${name}' is sent ${value.length} times (or as a list) but the schema does not declare an array`);
      continue;
    }
    const err = checkValue(prop, value, ctx);
    if (err) {
      const secret = SECRET_NAME.test(name) ? scalarText(value) : undefined;
      const safe = secret !== undefined && secret.length >= 4 ? err.split(secret).join('<redacted>') : err;
      add(`parameter '${name}' = '${show(value, name)}': ${safe}`);
      continue;
    }
    if (typeof prop.requires === 'string' && !params.has(prop.requires)) {
      add(`parameter '${name}' requires parameter '${prop.requires}'`);
    }
  }
  return violations;
}
