/**
 * Session options from `PROXMOX_*` environment variables.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolveOptions, type ProxmoxOptions } from './options.js';
import type { TlsOptions } from './types.js';

/** Which variable sets which option, so an option's error can name the variable instead. */
const VARIABLE_OF: Record<string, string> = {
  host: 'PROXMOX_HOST',
  port: 'PROXMOX_PORT',
  product: 'PROXMOX_PRODUCT',
  tokenId: 'PROXMOX_TOKEN_ID',
  tokenSecret: 'PROXMOX_TOKEN_SECRET',
  username: 'PROXMOX_USER',
  password: 'PROXMOX_PASSWORD',
  'tls.fingerprint': 'PROXMOX_FINGERPRINT',
  'tls.ca': 'PROXMOX_CA_FILE',
  'tls.insecure': 'PROXMOX_INSECURE',
};

/**
 * Reads session options from `PROXMOX_HOST`, `PROXMOX_PORT`, `PROXMOX_PRODUCT`, `PROXMOX_TOKEN_ID`,
 * `PROXMOX_TOKEN_SECRET`, `PROXMOX_USER`, `PROXMOX_PASSWORD`, `PROXMOX_FINGERPRINT`,
 * `PROXMOX_CA_FILE` (a PEM file to trust) and `PROXMOX_INSECURE` (`1`/`true`/`yes` or `0`/`false`/`no`).
 * Empty variables count as unset.
 *
 * @param env - The variables (default `process.env`).
 * @returns Options for `new ProxmoxAPI(...)`, already validated.
 * @throws TypeError naming the variable that is missing or malformed.
 * @example
 * ```ts
 * const api = new ProxmoxAPI({ ...optionsFromEnv(), retries: 5 });
 * ```
 */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ProxmoxOptions {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const host = get('PROXMOX_HOST');
  if (host === undefined) throw new TypeError('PROXMOX_HOST is not set: the Proxmox host name or URL');
  const options: Record<string, unknown> = { host };

  const port = get('PROXMOX_PORT');
  if (port !== undefined) {
    if (!/^\d+$/.test(port)) throw new TypeError(`PROXMOX_PORT must be a port number, got ${JSON.stringify(port)}`);
    options['port'] = Number(port);
  }
  const product = get('PROXMOX_PRODUCT');
  if (product !== undefined) options['product'] = product.toLowerCase();

  const tokenId = get('PROXMOX_TOKEN_ID');
  const tokenSecret = get('PROXMOX_TOKEN_SECRET');
  const user = get('PROXMOX_USER');
  const password = get('PROXMOX_PASSWORD');
  if (tokenId !== undefined || tokenSecret !== undefined) {
    if (user !== undefined || password !== undefined) {
      throw new TypeError('PROXMOX_TOKEN_ID/PROXMOX_TOKEN_SECRET and PROXMOX_USER/PROXMOX_PASSWORD are both set: set one pair');
    }
    if (tokenId === undefined) throw new TypeError('PROXMOX_TOKEN_ID is not set (PROXMOX_TOKEN_SECRET is)');
    if (tokenSecret === undefined) throw new TypeError('PROXMOX_TOKEN_SECRET is not set (PROXMOX_TOKEN_ID is)');
    Object.assign(options, { tokenId, tokenSecret });
  } else if (user !== undefined || password !== undefined) {
    if (user === undefined) throw new TypeError('PROXMOX_USER is not set (PROXMOX_PASSWORD is)');
    if (password === undefined) throw new TypeError('PROXMOX_PASSWORD is not set (PROXMOX_USER is)');
    Object.assign(options, { username: user, password });
  } else {
    throw new TypeError('no credential: set PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET, or PROXMOX_USER and PROXMOX_PASSWORD');
  }

  const tls = readTls(get);
  if (tls) options['tls'] = tls;

  try {
    resolveOptions(options);
  } catch (err) {
    if (err instanceof TypeError) throw new TypeError(renameOptions(err.message));
    throw err;
  }
  return options as unknown as ProxmoxOptions;
}

function readTls(get: (name: string) => string | undefined): TlsOptions | undefined {
  const tls: TlsOptions = {};
  const fingerprint = get('PROXMOX_FINGERPRINT');
  if (fingerprint !== undefined) tls.fingerprint = fingerprint;
  const caFile = get('PROXMOX_CA_FILE');
  if (caFile !== undefined) {
    try {
      tls.ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unreadable';
      throw new TypeError(`PROXMOX_CA_FILE cannot be read (${code}): ${caFile}`);
    }
  }
  const insecure = get('PROXMOX_INSECURE');
  if (insecure !== undefined) {
    const value = insecure.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(value)) tls.insecure = true;
    else if (['0', 'false', 'no', 'off'].includes(value)) tls.insecure = false;
    else throw new TypeError(`PROXMOX_INSECURE must be 1/true/yes or 0/false/no, got ${JSON.stringify(insecure)}`);
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}

/** Rewrites `option tls.fingerprint …` as `PROXMOX_FINGERPRINT …` in a validation message. */
function renameOptions(message: string): string {
  return message.replace(/\b(?:options? )?(tls\.[a-z]+|[a-zA-Z]+)\b/g, (match: string, name: string) => {
    const variable = VARIABLE_OF[name];
    return variable !== undefined && (match.startsWith('option') || name.startsWith('tls.')) ? variable : match;
  });
}
