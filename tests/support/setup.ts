/**
 * Jest `setupFilesAfterEnv`: a test fails when a request it sent did not conform to the Proxmox API
 * schema, or when it sent a request to a mocked host that no interceptor matched (see `oracle.ts`,
 * `nock.ts`). The violations are listed in the failure and cleared for the next test.
 */
import { failOnViolations } from './oracle.js';

afterEach(() => {
  failOnViolations();
});

afterAll(async () => {
  // Requests sent from beforeAll/afterAll hooks after the last test.
  failOnViolations();
  // nock patches node:http(s) for the whole worker process: a test file that ran after one using
  // nock would otherwise send its real requests (TLS, simulator) through nock's mock sockets,
  // with no keep-alive. Each file that imports nock activates it afresh.
  const { default: nock } = await import('nock');
  nock.cleanAll();
  nock.restore();
});
