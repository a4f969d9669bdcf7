/**
 * What every nock-based unit test needs: a token session on the mocked host, nock's lifecycle,
 * and `rejection()` to catch what a promise rejects with.
 */
import nock from 'nock';
import { ProxmoxAPI } from '../../src/index.js';

/** A token session on the oracle's default host (`pve.test`), without retries: each request a test sees is one the SDK made. */
export function testApi(): ProxmoxAPI {
  return new ProxmoxAPI({ host: 'pve.test', tokenId: 'root@pam!ci', tokenSecret: 'token-secret-1234', retries: 0 });
}

/**
 * Call once in every file that uses nock: no real network but loopback (the TLS tests' own
 * servers), and after each test every interceptor must have been used.
 */
export function nockLifecycle(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}

/** What a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-error: ${String(err)}`);
  }
  throw new Error('expected a rejection');
}
