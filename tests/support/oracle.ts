/**
 * The schema oracle as the test suite uses it: every request a test sends (through nock, see
 * `nock.ts`, or through the simulator's `onRequest` hook) is recorded here and checked against the
 * official schema of a release; the violations fail the test that sent the request (the
 * `afterEach` of `setup.ts`).
 */
import {
  LATEST,
  RELEASES,
  checkRequest,
  isRelease,
  loadSchema,
  type ParamsInput,
  type Product,
  type PveRelease,
  type Release,
} from './schema.js';

export { RELEASES, LATEST, type PveRelease, type Release, type Product } from './schema.js';

/** Which schema to check against. Defaults: PVE, and the release of the enclosing {@link describeEachRelease} or the newest. */
export interface OracleTarget {
  product?: Product;
  release?: Release;
}

/** A request as a server sees it: the simulator's `onRequest` hands these over. */
export interface ObservedRequest {
  method: string;
  /** Relative to `/api2/json` (or the full path); may carry the query string. */
  path: string;
  /** The parsed query, or the query string. */
  query?: ParamsInput;
  /** The body: the raw text (form-encoded or JSON) or the parsed object. */
  body?: ParamsInput;
  /** The body's content type, to tell JSON from a form. */
  contentType?: string;
  /** The path is already percent-decoded, as the simulator hands it over ({@link oracleHook} assumes so). */
  pathDecoded?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Per-test-file state. It lives on the test file's global object so that it survives
// `jest.resetModules()`/`jest.isolateModules()`, which would otherwise give the setup file and the
// test two different copies of this module.

interface OracleState {
  violations: string[];
  releaseStack: PveRelease[];
}

function state(): OracleState {
  const g = globalThis as unknown as Record<symbol, OracleState | undefined>;
  const key = Symbol.for('proxmox-sdk/tests/support/oracle');
  let s = g[key];
  if (!s) {
    s = { violations: [], releaseStack: [] };
    g[key] = s;
  }
  return s;
}

/** The PVE release of the enclosing {@link describeEachRelease} block, while its tests run. */
export function currentRelease(): PveRelease | undefined {
  const stack = state().releaseStack;
  return stack[stack.length - 1];
}

function resolveTarget(target: OracleTarget = {}): { product: Product; release: Release } {
  const product = target.product ?? 'pve';
  const release = target.release ?? (product === 'pve' ? currentRelease() : undefined) ?? LATEST[product];
  if (!isRelease(product, release)) throw new Error(`unknown ${product} release '${release}'`);
  return { product, release };
}

/**
 * Check a request and record its violations for the running test (the `afterEach` of `setup.ts`
 * fails the test with them). Answers the violations. Without the schema file it checks nothing.
 *
 * @example
 *   recordRequest({ product: 'pve', release: '8.4', method: 'PUT', path: '/pools', body: 'poolid=dev' });
 */
export function recordRequest(request: ObservedRequest & OracleTarget): string[] {
  const found = checkObserved(request);
  state().violations.push(...found);
  return found;
}

/** Record a violation found elsewhere (an unexpected request, say) against the running test. */
export function recordViolation(message: string): void {
  state().violations.push(message);
}

/** Check a request without recording anything. Answers the violations (none without a schema). */
export function checkObserved(request: ObservedRequest & OracleTarget): string[] {
  const { product, release } = resolveTarget(request);
  const schema = loadSchema(product, release);
  if (!schema) return [];
  const toCheck = {
    method: request.method,
    path: request.path,
    ...(request.query !== undefined ? { query: request.query } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.contentType !== undefined ? { contentType: request.contentType } : {}),
    ...(request.pathDecoded !== undefined ? { pathDecoded: request.pathDecoded } : {}),
  };
  return checkRequest(schema, toCheck);
}

/** The error thrown when requests did not conform. */
export class SchemaViolationError extends Error {
  override readonly name = 'SchemaViolationError';
  constructor(readonly violations: readonly string[]) {
    super(
      `${violations.length} request(s) did not conform to the Proxmox API schema:\n` +
        violations.map((v) => `  - ${v}`).join('\n'),
    );
  }
}

/**
 * Check a request and throw at once if it does not conform (nothing is recorded).
 *
 * @throws SchemaViolationError listing the violations.
 */
export function assertRequestConforms(request: ObservedRequest & OracleTarget): void {
  const found = checkObserved(request);
  if (found.length > 0) throw new SchemaViolationError(found);
}

/**
 * The function to give the simulator's `onRequest` hook: each request the simulator serves is
 * checked against the schema and its violations fail the running test. The simulator hands over
 * decoded paths, parsed queries and parsed bodies; all of that is understood.
 *
 * @example
 *   const sim = await startSimulator({ onRequest: oracleHook({ release }) });
 */
export function oracleHook(target: OracleTarget = {}): (request: ObservedRequest) => void {
  // Resolve now: the hook is usually created inside the test, where the release is known.
  const resolved = resolveTarget(target);
  return (request) => {
    recordRequest({ pathDecoded: true, ...request, ...resolved });
  };
}

/** The violations recorded so far for the running test, without clearing them. */
export function pendingViolations(): readonly string[] {
  return [...state().violations];
}

/**
 * Take (and clear) the recorded violations. A test that sends a nonconforming request on purpose
 * calls this to assert on them, so that its `afterEach` does not fail it.
 */
export function takeViolations(): string[] {
  const s = state();
  const taken = s.violations;
  s.violations = [];
  return taken;
}

/**
 * Throw if requests were recorded that do not conform, clearing them. `setup.ts` calls this after
 * each test (and after each file, for requests sent from `afterAll`).
 *
 * @throws SchemaViolationError listing the violations.
 */
export function failOnViolations(): void {
  const taken = takeViolations();
  if (taken.length > 0) throw new SchemaViolationError(taken);
}

/**
 * `describe` once per PVE release (7.4, 8.4, 9.1). While the tests of a block run,
 * {@link currentRelease} answers its release, so `mockApi()` and `oracleHook()` default to it.
 *
 * @example
 *   describeEachRelease('Pool', (release) => {
 *     it('creates', async () => { const api = mockApi(); ... });   // checked against `release`
 *   });
 */
export function describeEachRelease(
  name: string,
  fn: (release: PveRelease) => void,
  releases: readonly PveRelease[] = RELEASES,
): void {
  for (const release of releases) {
    describe(`${name} (PVE ${release})`, () => {
      beforeAll(() => {
        state().releaseStack.push(release);
      });
      afterAll(() => {
        state().releaseStack.pop();
      });
      fn(release);
    });
  }
}
