/**
 * `mockApi()`: nock, aimed at a Proxmox API and watched by the schema oracle. Every request an
 * interceptor of the scope answers is checked against the official schema of the scope's release,
 * and a request to the mocked host that no interceptor matches is reported as unexpected; both fail
 * the running test (see `setup.ts`).
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import nock from 'nock';
import { currentRelease, recordRequest, recordViolation } from './oracle.js';
import { LATEST, isRelease, splitApiPath, type Product, type PveRelease, type Release } from './schema.js';

/** Where and what to mock. */
export interface MockApiOptions {
  /** `pve` (default, port 8006) or `pbs` (port 8007). */
  product?: Product;
  /** The release whose schema checks the requests and whose `/version` {@link ApiScope.mockVersion} answers. */
  release?: Release;
  /** Host name, default `pve.test` / `pbs.test`. */
  host?: string;
  /** Port, default 8006 / 8007. */
  port?: number;
  /** Report a request to this host that no interceptor matches (default true). */
  failOnUnmatched?: boolean;
}

/** A nock interceptor with replies shaped like Proxmox's. */
export interface ApiInterceptor extends nock.Interceptor {
  /** Reply `status` with `{ "data": data }`, as Proxmox wraps every answer. */
  replyData(status: number, data: unknown, headers?: nock.ReplyHeaders): ApiScope;
  /**
   * Reply an error as Proxmox does: the status line carries `reason` (Proxmox puts its message in
   * the reason phrase), the body is `{ "data": null }` plus `errors` (per-parameter messages, as a
   * 400 "Parameter verification failed." has).
   */
  replyError(status: number, reason: string, errors?: Record<string, string>): ApiScope;
}

/** A nock scope on `https://<host>:<port>/api2/json`: interceptor paths are relative to `/api2/json`. */
export interface ApiScope extends nock.Scope {
  readonly product: Product;
  readonly release: Release;
  readonly host: string;
  readonly port: number;
  /** `https://pve.test:8006` */
  readonly origin: string;
  /** `https://pve.test:8006/api2/json` */
  readonly baseUrl: string;
  get(uri: InterceptUri, requestBody?: nock.RequestBodyMatcher, options?: nock.Options): ApiInterceptor;
  post(uri: InterceptUri, requestBody?: nock.RequestBodyMatcher, options?: nock.Options): ApiInterceptor;
  put(uri: InterceptUri, requestBody?: nock.RequestBodyMatcher, options?: nock.Options): ApiInterceptor;
  delete(uri: InterceptUri, requestBody?: nock.RequestBodyMatcher, options?: nock.Options): ApiInterceptor;
  head(uri: InterceptUri, requestBody?: nock.RequestBodyMatcher, options?: nock.Options): ApiInterceptor;
  patch(uri: InterceptUri, requestBody?: nock.RequestBodyMatcher, options?: nock.Options): ApiInterceptor;
  options(uri: InterceptUri, requestBody?: nock.RequestBodyMatcher, options?: nock.Options): ApiInterceptor;
  intercept(
    uri: InterceptUri,
    method: string,
    requestBody?: nock.RequestBodyMatcher,
    options?: nock.Options,
  ): ApiInterceptor;
  /** Answer `GET /version` like the scope's release (see {@link versionData}). */
  mockVersion(overrides?: Partial<VersionData>): ApiScope;
}

type InterceptUri = string | RegExp | ((uri: string) => boolean);

/** What `GET /version` answers. */
export interface VersionData {
  version: string;
  release: string;
  repoid: string;
  console?: string;
}

const VERSIONS: Record<Release, VersionData> = {
  // PVE 7.x reports the pve-manager package version with a Debian revision, 8+ a dotted one;
  // repoids grew from 8 to 16 hex digits. The repoids here are made up.
  '7.4': { version: '7.4-17', release: '7.4', repoid: '513c62be' },
  '8.4': { version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' },
  '9.1': { version: '9.1.1', release: '9.1', repoid: '42db4a6cf33dac83' },
  // PBS: `version` is major.minor, `release` the patch level.
  '4': { version: '4.0', release: '18', repoid: 'b1c6a2d3e4f50617' },
};

/** The `data` of `GET /version` as that release answers it. */
export function versionData(release: Release, overrides: Partial<VersionData> = {}): VersionData {
  return { ...VERSIONS[release], ...overrides };
}

/** The whole body of `GET /version` as that release answers it: `{ data: { version, release, repoid } }`. */
export function versionBody(release: Release, overrides: Partial<VersionData> = {}): { data: VersionData } {
  return { data: versionData(release, overrides) };
}

// ---------------------------------------------------------------------------------------------

/** Origins (`host:port`) where an unmatched request is a test failure. */
const strictOrigins = new Set<string>();
/** Reason phrases for the replies of `replyError`. */
const reasons = new WeakMap<object, string>();
let listening = false;

function listenForUnmatched(): void {
  if (listening) return;
  listening = true;
  nock.emitter.on('no match', (...args: unknown[]) => {
    // nock emits (req, options, body) when interceptors exist for the host but none matched,
    // and (options) when none exist at all.
    const opts = (args.length >= 2 ? args[1] : args[0]) as
      | { hostname?: string; host?: string; port?: string | number; proto?: string; protocol?: string; path?: string; method?: string }
      | undefined;
    if (!opts) return;
    const hostname = opts.hostname ?? opts.host?.replace(/:\d+$/, '') ?? '';
    const https = (opts.proto ?? opts.protocol ?? 'https').startsWith('https');
    const port = Number(opts.port ?? (https ? 443 : 80));
    const origin = `${hostname}:${port}`;
    if (!strictOrigins.has(origin)) return;
    recordViolation(
      `unexpected request ${String(opts.method ?? 'GET').toUpperCase()} ${opts.path ?? '/'} to ${origin}: ` +
        'no interceptor matches it',
    );
  });
}

/**
 * A nock scope on a Proxmox API, with the schema oracle attached to every request it answers.
 *
 * @example
 *   const api = mockApi({ release: '8.4' });
 *   api.mockVersion().put('/pools', { poolid: 'dev', comment: 'x' }).replyData(200, null);
 */
export function mockApi(options: MockApiOptions = {}): ApiScope {
  const product = options.product ?? 'pve';
  const release: Release =
    options.release ?? (product === 'pve' ? (currentRelease() as PveRelease | undefined) : undefined) ?? LATEST[product];
  if (!isRelease(product, release)) throw new Error(`unknown ${product} release '${release}'`);
  const host = options.host ?? `${product}.test`;
  const port = options.port ?? (product === 'pve' ? 8006 : 8007);
  const origin = `https://${host}:${port}`;
  const baseUrl = `${origin}/api2/json`;

  const scope = nock(baseUrl) as unknown as ApiScope & { intercept: nock.Scope['intercept'] };
  const rawIntercept = scope.intercept.bind(scope);

  const augment = (interceptor: nock.Interceptor): ApiInterceptor => {
    const extra: Pick<ApiInterceptor, 'replyData' | 'replyError'> = {
      replyData(status, data, headers) {
        return interceptor.reply(status, { data }, headers) as ApiScope;
      },
      replyError(status, reason, errors) {
        reasons.set(interceptor, reason);
        return interceptor.reply(status, errors ? { data: null, errors } : { data: null }) as ApiScope;
      },
    };
    return Object.assign(interceptor, extra);
  };

  Object.assign(scope, {
    product,
    release,
    host,
    port,
    origin,
    baseUrl,
    intercept: (uri: InterceptUri, method: string, body?: nock.RequestBodyMatcher, opts?: nock.Options) =>
      augment(rawIntercept(uri, method, body, opts)),
    mockVersion: (overrides: Partial<VersionData> = {}) =>
      scope.get('/version').replyData(200, versionData(release, overrides)),
  });

  scope.on('request', (req: ClientRequest, interceptor: object, body: string) => {
    const reason = reasons.get(interceptor);
    if (reason !== undefined) {
      req.prependOnceListener('response', (res: IncomingMessage) => {
        res.statusMessage = reason;
      });
    }
    const { path, query } = splitApiPath(req.path);
    if (!req.path.startsWith('/api2/json')) {
      recordViolation(`${req.method} ${req.path} to ${host}:${port} is outside /api2/json`);
      return;
    }
    const contentType = req.getHeader('content-type');
    recordRequest({
      product,
      release,
      method: req.method,
      path,
      query,
      body,
      ...(contentType !== undefined ? { contentType: String(contentType) } : {}),
    });
  });

  if (options.failOnUnmatched ?? true) {
    strictOrigins.add(`${host}:${port}`);
    listenForUnmatched();
  }
  return scope;
}
