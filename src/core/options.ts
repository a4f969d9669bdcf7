/**
 * The options of a `ProxmoxAPI` session and their validation, done once at construction.
 *
 * @module
 */
import type { Product, TlsOptions } from './types.js';

/**
 * What `otp` is asked when a login needs a second factor.
 *
 * @example
 * ```ts
 * otp: async (challenge) => (challenge.types.includes('totp') ? `totp:${await prompt('TOTP code')}` : 'recovery:…')
 * ```
 */
export interface TfaChallenge {
  /** The user logging in (`alice@pve`). */
  username: string;
  /** The kinds of second factor the user has (`totp`, `recovery`, `webauthn`, `yubico`, …), when Proxmox says. */
  types: string[];
}

/**
 * Settings every session has, whatever its credential.
 *
 * @example
 * ```ts
 * const common: CommonOptions = { host: 'pve1.example.com', tls: { fingerprint: 'AA:BB:…' }, retries: 3 };
 * ```
 */
export interface CommonOptions {
  /** Host name or address, optionally with a port (`pve1`, `10.0.0.5:8006`, `https://pve1:8006`). */
  host: string;
  /** TCP port (default 8006 for Proxmox VE, 8007 for Proxmox Backup Server). */
  port?: number;
  /** The product (default `'pve'`). */
  product?: Product;
  /** TLS settings: a CA to trust, a pinned fingerprint, or verification off. */
  tls?: TlsOptions;
  /** Timeout of each HTTP attempt in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** How many times a safe request is retried (default 2). */
  retries?: number;
  /** Shortest delay before a retry, in milliseconds (default 500; jittered up to twice that). */
  retryMinDelayMs?: number;
  /** Longest delay before a retry, in milliseconds (default 8000). */
  retryMaxDelayMs?: number;
  /** The `User-Agent` header (default `proxmox-sdk`). */
  userAgent?: string;
  /** The HTTP adapter: the SDK's lean `node:https` one (default) or axios's stock one. */
  adapter?: 'lean' | 'axios';
}

/**
 * Log in with an API token (`user@realm!name` and its secret). Tokens need no login and no CSRF token.
 *
 * @example
 * ```ts
 * new ProxmoxAPI({ host: 'pve1', tokenId: 'root@pam!automation', tokenSecret: process.env.SECRET! });
 * ```
 */
export interface TokenCredentials {
  /** The token id: `user@realm!tokenname`. */
  tokenId: string;
  /** The token's secret (a UUID). */
  tokenSecret: string;
  /** Not with a token. */
  username?: never;
  /** Not with a token. */
  password?: never;
  /** Not with a token. */
  otp?: never;
  /** Not with a token. */
  ticket?: never;
  /** Not with a token. */
  csrfToken?: never;
}

/**
 * Log in with a user name and password; the session gets a ticket and renews it.
 *
 * @example
 * ```ts
 * new ProxmoxAPI({ host: 'pve1', username: 'root@pam', password: async () => readSecret('pve') });
 * ```
 */
export interface PasswordCredentials {
  /** The user: `user@realm` (`root@pam`, `alice@pve`). */
  username: string;
  /** The password, or an async function returning it (asked at each full login). */
  password: string | (() => Promise<string>);
  /** Answers a second-factor challenge (`'totp:123456'`; a bare code is taken as TOTP). */
  otp?: (challenge: TfaChallenge) => Promise<string>;
  /** Not with a password. */
  tokenId?: never;
  /** Not with a password. */
  tokenSecret?: never;
  /** Not with a password. */
  ticket?: never;
  /** Not with a password. */
  csrfToken?: never;
}

/**
 * Use a ticket obtained elsewhere (and its CSRF token). The session renews it while it is valid.
 *
 * @example
 * ```ts
 * new ProxmoxAPI({ host: 'pve1', ticket: 'PVE:root@pam:…', csrfToken: '…' });
 * ```
 */
export interface TicketCredentials {
  /** The ticket (`PVE:user@realm:…`), the value of the auth cookie. */
  ticket: string;
  /** The `CSRFPreventionToken` issued with the ticket. */
  csrfToken: string;
  /** Not with a ticket. */
  tokenId?: never;
  /** Not with a ticket. */
  tokenSecret?: never;
  /** Not with a ticket. */
  username?: never;
  /** Not with a ticket. */
  password?: never;
  /** Not with a ticket. */
  otp?: never;
}

/**
 * Everything `new ProxmoxAPI(options)` accepts: the common settings and exactly one credential.
 *
 * @example
 * ```ts
 * const options: ProxmoxOptions = { host: 'pve1', tokenId: 'root@pam!ci', tokenSecret: '…', tls: { ca: pem } };
 * ```
 */
export type ProxmoxOptions = CommonOptions & (TokenCredentials | PasswordCredentials | TicketCredentials);

/** The credential of a session, as validated. */
export type Credential =
  | { kind: 'token'; tokenId: string; tokenSecret: string }
  | { kind: 'password'; username: string; password: string | (() => Promise<string>); otp: ((c: TfaChallenge) => Promise<string>) | undefined }
  | { kind: 'ticket'; ticket: string; csrfToken: string };

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  host: string;
  port: number;
  product: Product;
  credential: Credential;
  tls: TlsOptions | undefined;
  timeoutMs: number;
  retries: number;
  retryMinDelayMs: number;
  retryMaxDelayMs: number;
  userAgent: string;
  adapter: 'lean' | 'axios';
}

const COMMON_KEYS = [
  'host', 'port', 'product', 'tls', 'timeoutMs', 'retries', 'retryMinDelayMs', 'retryMaxDelayMs', 'userAgent', 'adapter',
] as const;
const CREDENTIAL_KEYS = ['tokenId', 'tokenSecret', 'username', 'password', 'otp', 'ticket', 'csrfToken'] as const;
const KNOWN = new Set<string>([...COMMON_KEYS, ...CREDENTIAL_KEYS]);
const TLS_KEYS = new Set(['ca', 'fingerprint', 'insecure']);
const DEFAULT_PORT: Record<Product, number> = { pve: 8006, pbs: 8007 };
const TOKEN_ID = /^[^\s:@!]+@[A-Za-z0-9][A-Za-z0-9._-]*![A-Za-z][A-Za-z0-9._-]*$/;
const USER_ID = /^[^\s:@]+@[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks the options of a session and fills in the defaults.
 *
 * @param input - What the caller passed to `new ProxmoxAPI(...)`.
 * @returns The validated options.
 * @throws TypeError naming the option that is missing, unknown, malformed or conflicting.
 * @example
 * ```ts
 * resolveOptions({ host: 'pve1', tokenId: 'root@pam!ci', tokenSecret: 's' }).port; // 8006
 * ```
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('ProxmoxAPI options must be an object');
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown option ${JSON.stringify(key)}`);
  }
  const product = readProduct(o['product']);
  const { host, port: hostPort } = readHost(o['host']);
  const port = readPort(o['port'], hostPort, product);
  return {
    host,
    port,
    product,
    credential: readCredential(o),
    tls: readTls(o['tls']),
    timeoutMs: readNumber(o, 'timeoutMs', 30_000, { min: 1 }),
    retries: readNumber(o, 'retries', 2, { min: 0, integer: true }),
    ...readDelays(o),
    userAgent: readUserAgent(o['userAgent']),
    adapter: readAdapter(o['adapter']),
  };
}

function readProduct(value: unknown): Product {
  if (value === undefined) return 'pve';
  if (value === 'pve' || value === 'pbs') return value;
  throw new TypeError(`option product must be 'pve' or 'pbs', got ${describe(value)}`);
}

function readHost(value: unknown): { host: string; port: number | undefined } {
  if (value === undefined) throw new TypeError('option host is required');
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError('option host must be a non-empty string');
  const text = value.trim();
  let url: URL;
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) url = new URL(text);
    else if (!text.startsWith('[') && (text.match(/:/g) ?? []).length > 1) url = new URL(`https://[${text}]`);
    else url = new URL(`https://${text}`);
  } catch {
    throw new TypeError(`option host is not a host name, address or URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:') throw new TypeError(`option host must use https, got ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw new TypeError('option host must not hold credentials');
  if (!['', '/', '/api2/json', '/api2/json/'].includes(url.pathname) || url.search || url.hash) {
    throw new TypeError(`option host must not have a path or query, got ${JSON.stringify(text)}`);
  }
  return { host: url.hostname, port: url.port === '' ? undefined : Number(url.port) };
}

function readPort(value: unknown, hostPort: number | undefined, product: Product): number {
  if (value === undefined) return hostPort ?? DEFAULT_PORT[product];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new TypeError(`option port must be an integer from 1 to 65535, got ${describe(value)}`);
  }
  if (hostPort !== undefined && hostPort !== value) {
    throw new TypeError(`option port (${value}) conflicts with the port in option host (${hostPort})`);
  }
  return value;
}

function readCredential(o: Record<string, unknown>): Credential {
  const has = (k: string): boolean => o[k] !== undefined;
  const groups = [
    has('tokenId') || has('tokenSecret') ? 'tokenId/tokenSecret' : undefined,
    has('username') || has('password') || has('otp') ? 'username/password' : undefined,
    has('ticket') || has('csrfToken') ? 'ticket/csrfToken' : undefined,
  ].filter((g): g is string => g !== undefined);
  if (groups.length === 0) {
    throw new TypeError('a credential is required: tokenId and tokenSecret, username and password, or ticket and csrfToken');
  }
  if (groups.length > 1) throw new TypeError(`conflicting credentials: options ${groups.join(' and ')} given together; pass one`);
  if (groups[0] === 'tokenId/tokenSecret') {
    const tokenId = requireString(o, 'tokenId', 'tokenSecret');
    const tokenSecret = requireString(o, 'tokenSecret', 'tokenId');
    if (!TOKEN_ID.test(tokenId)) throw new TypeError(`option tokenId must look like user@realm!tokenname, got ${JSON.stringify(tokenId)}`);
    return { kind: 'token', tokenId, tokenSecret };
  }
  if (groups[0] === 'username/password') {
    const username = requireString(o, 'username', 'password');
    if (!USER_ID.test(username)) throw new TypeError(`option username must look like user@realm, got ${JSON.stringify(username)}`);
    const password = o['password'];
    if (password === undefined) throw new TypeError('option password is required with username');
    if (!(typeof password === 'string' && password !== '') && typeof password !== 'function') {
      throw new TypeError('option password must be a non-empty string or an async function returning one');
    }
    const otp = o['otp'];
    if (otp !== undefined && typeof otp !== 'function') throw new TypeError('option otp must be an async function');
    return {
      kind: 'password',
      username,
      password: password as string | (() => Promise<string>),
      otp: otp as ((c: TfaChallenge) => Promise<string>) | undefined,
    };
  }
  const ticket = requireString(o, 'ticket', 'csrfToken');
  const csrfToken = requireString(o, 'csrfToken', 'ticket');
  return { kind: 'ticket', ticket, csrfToken };
}

/** Reads a required string option without ever printing its value (it may be a secret). */
function requireString(o: Record<string, unknown>, key: string, partner: string): string {
  const value = o[key];
  if (value === undefined) throw new TypeError(`option ${key} is required with ${partner}`);
  if (typeof value !== 'string' || value === '') throw new TypeError(`option ${key} must be a non-empty string`);
  return value;
}

function readTls(value: unknown): TlsOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('option tls must be an object');
  const t = value as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!TLS_KEYS.has(key)) throw new TypeError(`unknown option tls.${key}`);
  }
  const out: TlsOptions = {};
  const { ca, fingerprint, insecure } = t;
  if (ca !== undefined) {
    if (!(typeof ca === 'string' && ca.includes('-----BEGIN')) && !Buffer.isBuffer(ca)) {
      throw new TypeError('option tls.ca must be PEM text (-----BEGIN CERTIFICATE-----…) or a Buffer');
    }
    out.ca = ca;
  }
  if (fingerprint !== undefined) {
    if (typeof fingerprint !== 'string' || !/^[0-9a-f]{64}$/i.test(fingerprint.replace(/[:\s]/g, ''))) {
      throw new TypeError('option tls.fingerprint must be a SHA-256 fingerprint (32 hex bytes, AA:BB:… as pvenode cert info prints)');
    }
    out.fingerprint = fingerprint;
  }
  if (insecure !== undefined) {
    if (typeof insecure !== 'boolean') throw new TypeError(`option tls.insecure must be a boolean, got ${describe(insecure)}`);
    out.insecure = insecure;
  }
  if (out.insecure && (out.ca !== undefined || out.fingerprint !== undefined)) {
    throw new TypeError('option tls.insecure conflicts with tls.ca and tls.fingerprint: verification is either off or on');
  }
  return out;
}

function readNumber(o: Record<string, unknown>, key: string, fallback: number, rule: { min: number; integer?: boolean }): number {
  const value = o[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < rule.min || (rule.integer && !Number.isInteger(value))) {
    const kind = rule.integer ? 'an integer' : 'a number';
    throw new TypeError(`option ${key} must be ${kind} of at least ${rule.min}, got ${describe(value)}`);
  }
  return value;
}

function readDelays(o: Record<string, unknown>): { retryMinDelayMs: number; retryMaxDelayMs: number } {
  const retryMinDelayMs = readNumber(o, 'retryMinDelayMs', 500, { min: 0 });
  const retryMaxDelayMs = readNumber(o, 'retryMaxDelayMs', Math.max(8000, retryMinDelayMs), { min: 0 });
  if (retryMaxDelayMs < retryMinDelayMs) {
    throw new TypeError(`option retryMaxDelayMs (${retryMaxDelayMs}) must not be less than retryMinDelayMs (${retryMinDelayMs})`);
  }
  return { retryMinDelayMs, retryMaxDelayMs };
}

function readUserAgent(value: unknown): string {
  if (value === undefined) return 'proxmox-sdk';
  if (typeof value !== 'string' || value === '' || /[\r\n]/.test(value)) {
    throw new TypeError('option userAgent must be a non-empty single-line string');
  }
  return value;
}

function readAdapter(value: unknown): 'lean' | 'axios' {
  if (value === undefined) return 'lean';
  if (value === 'lean' || value === 'axios') return value;
  throw new TypeError(`option adapter must be 'lean' or 'axios', got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}
