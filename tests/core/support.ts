/**
 * Test helpers of the core tests: a nock scope for a fake Proxmox VE host whose replies can carry a
 * real reason phrase (Proxmox puts its error messages there), and session factories.
 */
import { ProxmoxAPI, type ProxmoxOptions } from '../../src/index.js';
import { mockApi, type ApiScope } from '../support/nock.js';

/** A reply header whose value becomes the reply's reason phrase (nock has no other way to set one). */
export const REASON = 'x-test-reason';

/** The adapters every request test runs with. */
export const ADAPTERS = ['lean', 'axios'] as const;

/** Delays short enough for tests. */
export const FAST = { retryMinDelayMs: 1, retryMaxDelayMs: 5 } as const;

interface FakeReq {
  prependListener(event: 'response', fn: (res: { statusMessage: string; rawHeaders: string[] }) => void): void;
}

/**
 * The schema oracle's nock scope (`https://pve.test:8006/api2/json` or `https://pbs.test:8007/api2/json`;
 * every request checked against the official schema), whose replies may also set `x-test-reason`.
 *
 * @param product - `pve` or `pbs`.
 */
export function proxmox(product: 'pve' | 'pbs' = 'pve'): ApiScope {
  const scope = mockApi({ product });
  scope.on('request', (req: FakeReq) => {
    req.prependListener('response', (res) => {
      const i = res.rawHeaders.findIndex((h) => h.toLowerCase() === REASON);
      const value = i >= 0 ? res.rawHeaders[i + 1] : undefined;
      if (value !== undefined) res.statusMessage = value;
    });
  });
  return scope;
}

/** Reply headers of a JSON answer, with a reason phrase when given. */
export function json(reason?: string): Record<string, string> {
  return { 'content-type': 'application/json;charset=UTF-8', ...(reason === undefined ? {} : { [REASON]: reason }) };
}

/** A token session against `pve.test`. */
export function tokenApi(extra: Partial<ProxmoxOptions> = {}): ProxmoxAPI {
  return new ProxmoxAPI({ host: 'pve.test', tokenId: 'root@pam!ci', tokenSecret: 'token-secret-1234', ...FAST, ...extra } as ProxmoxOptions);
}

/** A password session against `pve.test`. */
export function passwordApi(extra: Partial<ProxmoxOptions> = {}): ProxmoxAPI {
  return new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: 'pass-word-1234', ...FAST, ...extra } as ProxmoxOptions);
}
