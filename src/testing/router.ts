/**
 * A small router: routes are declared with PVE's own path templates (`/nodes/{node}/qemu/{vmid}`)
 * and their parameters; a request path is matched segment by segment (each segment decoded on
 * its own, so `local:iso%2Fx.iso` stays one volume id).
 *
 * @module
 * @internal
 */
import type { ParamShape } from './params.js';
import type { SimContext } from './context.js';

/**
 * The PVE releases the simulator can speak.
 *
 * @example
 * ```ts
 * const release: Release = '8.4';
 * const sim = await startSimulator({ release });
 * ```
 */
export type Release = '7.4' | '8.4' | '9.1';

/** The HTTP methods of PVE's API. */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a handler gets. */
export interface RouteContext {
  /** The simulator internals. */
  readonly sim: SimContext;
  /** The validated, typed parameters (path parameters included). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The authenticated user (`root@pam`) or token (`root@pam!sim`). */
  readonly user: string;
  /** The request method. */
  readonly method: Method;
  /** The path relative to `/api2/json`. */
  readonly path: string;
  /** Adds a field beside `data` in the response envelope (PVE's `total`). */
  setAttrib(key: string, value: unknown): void;
}

/** One route. */
export interface Route {
  /** The method. */
  readonly method: Method;
  /** PVE's path template, exactly as in the API schema. */
  readonly path: string;
  /** The parameters, or a function of the release (where they differ). */
  readonly params: ParamShape | ((release: Release) => ParamShape);
  /** The releases that have this route (all when absent). */
  readonly releases?: readonly Release[];
  /** The last path parameter takes the rest of the path (volume ids with `/`). */
  readonly greedy?: boolean;
  /** Serves the request; returns the `data` of the response. */
  readonly handler: (ctx: RouteContext) => unknown;
}

interface Compiled {
  route: Route;
  segments: Array<{ literal: string } | { param: string }>;
}

/** The result of matching a request to the routes. */
export type Match =
  | { kind: 'ok'; route: Route; pathParams: Record<string, string> }
  | { kind: 'not-implemented' };

/** The route table of one simulator (filtered to its release). */
export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[], release: Release) {
    this.compiled = routes
      .filter((r) => !r.releases || r.releases.includes(release))
      .map((route) => ({
        route,
        segments: route.path
          .split('/')
          .filter(Boolean)
          .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s })),
      }));
  }

  /** Every route served, as `METHOD path` pairs. */
  list(): Array<{ method: Method; path: string }> {
    return this.compiled.map((c) => ({ method: c.route.method, path: c.route.path }));
  }

  /** Finds the route for a method and a raw (still encoded) path. */
  match(method: string, rawPath: string): Match {
    const parts = rawPath.split('/').filter(Boolean);
    let decoded: string[];
    try {
      decoded = parts.map((p) => decodeURIComponent(p));
    } catch {
      return { kind: 'not-implemented' };
    }
    for (const c of this.compiled) {
      if (c.route.method !== method) continue;
      const params = this.matchSegments(c, decoded);
      if (params) return { kind: 'ok', route: c.route, pathParams: params };
    }
    return { kind: 'not-implemented' };
  }

  private matchSegments(c: Compiled, parts: string[]): Record<string, string> | undefined {
    const segs = c.segments;
    const greedy = c.route.greedy === true;
    if (greedy ? parts.length < segs.length : parts.length !== segs.length) return undefined;
    const out: Record<string, string> = {};
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const part = parts[i];
      if (!seg || part === undefined) return undefined;
      if ('literal' in seg) {
        if (seg.literal !== part) return undefined;
      } else if (greedy && i === segs.length - 1) {
        out[seg.param] = parts.slice(i).join('/');
      } else {
        out[seg.param] = part;
      }
    }
    return out;
  }
}
