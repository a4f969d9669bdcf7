/**
 * A tiny HTTPS client for the simulator's own tests (plain node:https, not the SDK): trusts the
 * simulator's certificate, sends form-encoded bodies, and returns status, reason and JSON body.
 */
import https from 'node:https';
import type { Simulator } from '../../src/testing/index.js';

export interface Reply {
  status: number;
  reason: string;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: unknown; errors?: Record<string, string>; total?: number } & Record<string, unknown>;
}

export interface Auth {
  token?: { id: string; secret: string };
  ticket?: string;
  csrf?: string;
}

export function tokenAuth(sim: Simulator): Auth {
  return { token: { id: sim.tokenId, secret: sim.tokenSecret } };
}

export function call(
  sim: Simulator,
  method: string,
  path: string,
  params: Record<string, string | number> = {},
  auth: Auth = tokenAuth(sim),
): Promise<Reply> {
  const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const inQuery = method === 'GET' || method === 'DELETE';
  const headers: Record<string, string> = {};
  if (auth.token) headers.Authorization = `PVEAPIToken=${auth.token.id}=${auth.token.secret}`;
  if (auth.ticket) headers.Cookie = `PVEAuthCookie=${encodeURIComponent(auth.ticket)}`;
  if (auth.csrf) headers.CSRFPreventionToken = auth.csrf;
  if (!inQuery) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(Buffer.byteLength(form));
  }
  const url = `${sim.url}/api2/json${path}${inQuery && form ? `?${form}` : ''}`;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: sim.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          reason: res.statusMessage ?? '',
          headers: res.headers,
          body: text ? (JSON.parse(text) as Reply['body']) : {},
        });
      });
    });
    req.on('error', reject);
    if (!inQuery) req.write(form);
    req.end();
  });
}

/** Encodes a UPID for a path segment as the SDK's path tag does (keeps `:` and `@`). */
export function seg(v: string): string {
  return encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%40/gi, '@');
}

/** The task's status via the API. */
export async function taskStatus(sim: Simulator, upid: string): Promise<Record<string, unknown>> {
  const node = upid.split(':')[1] ?? '';
  const r = await call(sim, 'GET', `/nodes/${node}/tasks/${seg(upid)}/status`);
  return r.body.data as Record<string, unknown>;
}

/** The task's log lines via the API. */
export async function taskLog(sim: Simulator, upid: string, params: Record<string, number> = {}): Promise<string[]> {
  const node = upid.split(':')[1] ?? '';
  const r = await call(sim, 'GET', `/nodes/${node}/tasks/${seg(upid)}/log`, params);
  return (r.body.data as Array<{ n: number; t: string }>).map((l) => l.t);
}
