/**
 * Jest `setupFilesAfterEnv`: a test fails when a request it sent did not conform to the Proxmox API
 * schema, or when it sent a request to a mocked host that no interceptor matched (see `oracle.ts`,
 * `nock.ts`). The violations are listed in the failure and cleared for the next test.
 */
import { failOnViolations } from './oracle.js';

afterEach(() => {
  failOnViolations();
});

afterAll(() => {
  // Requests sent from beforeAll/afterAll hooks after the last test.
  failOnViolations();
});
