import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxmoxAPI, optionsFromEnv, type ProxmoxOptions } from '../../src/index.js';

const token = { tokenId: 'root@pam!ci', tokenSecret: 'very-secret-value' };
const make = (o: unknown): ProxmoxAPI => new ProxmoxAPI(o as ProxmoxOptions);

describe('ProxmoxAPI options', () => {
  it('fills in defaults per product', () => {
    const pve = make({ host: 'pve1', ...token });
    expect([pve.product, pve.host, pve.port, pve.baseUrl]).toEqual(['pve', 'pve1', 8006, 'https://pve1:8006/api2/json']);
    const pbs = make({ host: 'backup', product: 'pbs', ...token });
    expect([pbs.product, pbs.port, pbs.baseUrl]).toEqual(['pbs', 8007, 'https://backup:8007/api2/json']);
  });

  it.each([
    ['https://pve1.example.com:8443', 'pve1.example.com', 8443],
    ['https://pve1.example.com/', 'pve1.example.com', 8006],
    ['pve1:9000', 'pve1', 9000],
    ['10.0.0.5', '10.0.0.5', 8006],
    ['[::1]:8006', '::1', 8006],
    ['fd00::5', 'fd00::5', 8006],
  ])('reads host %s', (host, name, port) => {
    const api = make({ host, ...token });
    expect([api.host, api.port]).toEqual([name, port]);
  });

  it('brackets IPv6 addresses in the base URL', () => {
    expect(make({ host: 'fd00::5', ...token }).baseUrl).toBe('https://[fd00::5]:8006/api2/json');
  });

  it.each([
    [{ ...token }, /option host is required/],
    [{ host: '', ...token }, /option host must be a non-empty string/],
    [{ host: 'http://pve1', ...token }, /option host must use https/],
    [{ host: 'https://pve1/some/path', ...token }, /option host must not have a path/],
    [{ host: 'pve1:8006', port: 8007, ...token }, /option port \(8007\) conflicts with the port in option host \(8006\)/],
    [{ host: 'pve1', port: 70000, ...token }, /option port must be an integer from 1 to 65535/],
    [{ host: 'pve1', product: 'pmg', ...token }, /option product must be 'pve' or 'pbs'/],
    [{ host: 'pve1', ...token, timeout: 5 }, /unknown option "timeout"/],
    [{ host: 'pve1' }, /a credential is required/],
    [{ host: 'pve1', tokenId: 'root@pam!ci' }, /option tokenSecret is required with tokenId/],
    [{ host: 'pve1', tokenSecret: 'x' }, /option tokenId is required with tokenSecret/],
    [{ host: 'pve1', tokenId: 'root@pam', tokenSecret: 'x' }, /option tokenId must look like user@realm!tokenname/],
    [{ host: 'pve1', username: 'root@pam' }, /option password is required with username/],
    [{ host: 'pve1', username: 'root', password: 'x' }, /option username must look like user@realm/],
    [{ host: 'pve1', username: 'root@pam', password: 42 }, /option password must be a non-empty string or an async function/],
    [{ host: 'pve1', username: 'root@pam', password: 'x', otp: '123456' }, /option otp must be an async function/],
    [{ host: 'pve1', ticket: 'PVE:root@pam:66000000::sig' }, /option csrfToken is required with ticket/],
    [{ host: 'pve1', ...token, username: 'root@pam', password: 'x' }, /conflicting credentials: options tokenId\/tokenSecret and username\/password/],
    [{ host: 'pve1', ...token, ticket: 't', csrfToken: 'c' }, /conflicting credentials/],
    [{ host: 'pve1', otp: async () => '1', ...token }, /conflicting credentials/],
    [{ host: 'pve1', ...token, tls: { verify: false } }, /unknown option tls\.verify/],
    [{ host: 'pve1', ...token, tls: { fingerprint: 'AB:CD' } }, /option tls\.fingerprint must be a SHA-256 fingerprint/],
    [{ host: 'pve1', ...token, tls: { ca: 'not a pem' } }, /option tls\.ca must be PEM/],
    [{ host: 'pve1', ...token, tls: { insecure: 'yes' } }, /option tls\.insecure must be a boolean/],
    [{ host: 'pve1', ...token, tls: { insecure: true, fingerprint: 'ab'.repeat(32) } }, /option tls\.insecure conflicts with/],
    [{ host: 'pve1', ...token, timeoutMs: 0 }, /option timeoutMs must be a number of at least 1/],
    [{ host: 'pve1', ...token, retries: 1.5 }, /option retries must be an integer of at least 0/],
    [{ host: 'pve1', ...token, retryMinDelayMs: 100, retryMaxDelayMs: 10 }, /option retryMaxDelayMs \(10\) must not be less than retryMinDelayMs \(100\)/],
    [{ host: 'pve1', ...token, userAgent: 'a\nb' }, /option userAgent must be a non-empty single-line string/],
    [{ host: 'pve1', ...token, adapter: 'fetch' }, /option adapter must be 'lean' or 'axios'/],
  ])('rejects %j', (options, message) => {
    expect(() => make(options)).toThrow(TypeError);
    expect(() => make(options)).toThrow(message);
  });

  it('rejects a non-object', () => {
    expect(() => make(undefined)).toThrow(/options must be an object/);
  });

  it('never prints a secret in a validation error', () => {
    const secret = 'sekrit-canary-value';
    const errors = [
      { host: 'pve1', tokenId: 'bad', tokenSecret: secret },
      { host: 'pve1', tokenSecret: secret },
      { host: 'pve1', username: 'root', password: secret },
      { host: 'pve1', ticket: secret },
      { host: 'pve1', tokenId: 'root@pam!ci', tokenSecret: secret, password: secret },
    ].map((o) => {
      try {
        make(o);
      } catch (err) {
        return String((err as Error).stack);
      }
      return 'no error';
    });
    for (const text of errors) {
      expect(text).not.toBe('no error');
      expect(text).not.toContain(secret);
    }
  });

  it('accepts a fingerprint with or without colons, a CA buffer, and each credential kind', () => {
    const fp = 'AB:'.repeat(31) + 'AB';
    expect(() => make({ host: 'pve1', ...token, tls: { fingerprint: fp } })).not.toThrow();
    expect(() => make({ host: 'pve1', ...token, tls: { fingerprint: 'ab'.repeat(32) } })).not.toThrow();
    expect(() => make({ host: 'pve1', ...token, tls: { ca: Buffer.from('x') } })).not.toThrow();
    expect(() => make({ host: 'pve1', username: 'root@pam', password: async () => 'x', otp: async () => '123456' })).not.toThrow();
    expect(() => make({ host: 'pve1', ticket: 'PVE:root@pam:66000000::sig', csrfToken: 'c' })).not.toThrow();
  });
});

describe('ProxmoxAPI.fromEnv', () => {
  const base = { PROXMOX_HOST: 'pve1', PROXMOX_TOKEN_ID: 'root@pam!ci', PROXMOX_TOKEN_SECRET: 'env-secret' };

  it('reads a token session', () => {
    const api = ProxmoxAPI.fromEnv({ ...base, PROXMOX_PORT: '8443' });
    expect([api.host, api.port, api.product]).toEqual(['pve1', 8443, 'pve']);
  });

  it('reads a password session, product, fingerprint and insecure', () => {
    const options = optionsFromEnv({
      PROXMOX_HOST: 'backup',
      PROXMOX_PRODUCT: 'PBS',
      PROXMOX_USER: 'root@pam',
      PROXMOX_PASSWORD: 'pw',
      PROXMOX_FINGERPRINT: 'ab'.repeat(32),
    });
    expect(options).toMatchObject({ host: 'backup', product: 'pbs', username: 'root@pam', password: 'pw', tls: { fingerprint: 'ab'.repeat(32) } });
    expect(optionsFromEnv({ ...base, PROXMOX_INSECURE: 'yes' }).tls).toEqual({ insecure: true });
    expect(optionsFromEnv({ ...base, PROXMOX_INSECURE: '0' }).tls).toEqual({ insecure: false });
  });

  it('reads a CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pve-ca-'));
    const file = join(dir, 'ca.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(optionsFromEnv({ ...base, PROXMOX_CA_FILE: file }).tls?.ca).toContain('BEGIN CERTIFICATE');
  });

  it('treats empty variables as unset', () => {
    expect(optionsFromEnv({ ...base, PROXMOX_PORT: '', PROXMOX_USER: '' })).not.toHaveProperty('username');
  });

  it.each([
    [{}, /PROXMOX_HOST is not set/],
    [{ PROXMOX_HOST: 'pve1' }, /no credential: set PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET, or PROXMOX_USER and PROXMOX_PASSWORD/],
    [{ PROXMOX_HOST: 'pve1', PROXMOX_TOKEN_ID: 'root@pam!ci' }, /PROXMOX_TOKEN_SECRET is not set/],
    [{ PROXMOX_HOST: 'pve1', PROXMOX_TOKEN_SECRET: 's' }, /PROXMOX_TOKEN_ID is not set/],
    [{ PROXMOX_HOST: 'pve1', PROXMOX_USER: 'root@pam' }, /PROXMOX_PASSWORD is not set/],
    [{ PROXMOX_HOST: 'pve1', PROXMOX_PASSWORD: 'p' }, /PROXMOX_USER is not set/],
    [{ ...base, PROXMOX_USER: 'root@pam', PROXMOX_PASSWORD: 'p' }, /both set/],
    [{ ...base, PROXMOX_PORT: 'eighty' }, /PROXMOX_PORT must be a port number/],
    [{ ...base, PROXMOX_PORT: '0' }, /PROXMOX_PORT must be an integer from 1 to 65535/],
    [{ ...base, PROXMOX_PRODUCT: 'pmg' }, /PROXMOX_PRODUCT must be 'pve' or 'pbs'/],
    [{ ...base, PROXMOX_TOKEN_ID: 'root' }, /PROXMOX_TOKEN_ID must look like user@realm!tokenname/],
    [{ ...base, PROXMOX_HOST: 'http://pve1' }, /PROXMOX_HOST must use https/],
    [{ ...base, PROXMOX_HOST: 'pve1:8006', PROXMOX_PORT: '8007' }, /PROXMOX_PORT \(8007\) conflicts with the port in PROXMOX_HOST/],
    [{ ...base, PROXMOX_FINGERPRINT: 'zz' }, /PROXMOX_FINGERPRINT must be a SHA-256 fingerprint/],
    [{ ...base, PROXMOX_INSECURE: 'maybe' }, /PROXMOX_INSECURE must be 1\/true\/yes or 0\/false\/no/],
    [{ ...base, PROXMOX_INSECURE: '1', PROXMOX_FINGERPRINT: 'ab'.repeat(32) }, /PROXMOX_INSECURE conflicts with PROXMOX_CA_FILE and PROXMOX_FINGERPRINT/],
    [{ ...base, PROXMOX_CA_FILE: '/nonexistent/ca.pem' }, /PROXMOX_CA_FILE cannot be read \(ENOENT\)/],
  ])('names the variable: %j', (env, message) => {
    expect(() => ProxmoxAPI.fromEnv(env)).toThrow(TypeError);
    expect(() => ProxmoxAPI.fromEnv(env)).toThrow(message);
  });

  it('never prints the secret', () => {
    const err = (() => {
      try {
        ProxmoxAPI.fromEnv({ PROXMOX_HOST: 'pve1', PROXMOX_TOKEN_ID: 'bad', PROXMOX_TOKEN_SECRET: 'canary-env-secret' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    })();
    expect(String(err.stack)).not.toContain('canary-env-secret');
  });
});
