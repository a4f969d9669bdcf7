/**
 * The clients the benchmark compares, each doing the same call (`GET …/qemu/{vmid}/status/current`,
 * answer parsed from JSON, `data` taken out) over a kept-alive HTTPS connection pool:
 *
 * - (a) `raw-https`: `node:https` with a keep-alive agent — the reference every ratio is taken to,
 *   and the same plus 25 µs of busy loop per request, to calibrate what a client's own CPU costs;
 * - (b) `raw-axios`: axios with its stock Node adapter, given the same kind of agent;
 * - (c) `undici`: undici's `request()` with an undici `Agent` — the fastest client Node has;
 * - (d) `proxmox-api`: the other JavaScript Proxmox client, as it ships (its own undici `fetch`);
 * - the SDK: `vm.status()` and `api.get()`, with its lean transport and with axios's stock adapter.
 *
 * TLS: the raw clients trust the server's certificate as a CA; the SDK pins its fingerprint, as a
 * Proxmox user does. Either way the check happens once per connection, never per request.
 *
 * proxmox-api reads no TLS option: its README's way to reach a self-signed host is the process-wide
 * `NODE_TLS_REJECT_UNAUTHORIZED=0`, which must never be set here. It does take a `fetch` option, so
 * it gets its own undici's `fetch` with a `dispatcher` that trusts the server's certificate — the
 * same code path as its default, with no process-wide setting, so it can run in this process.
 */
import https from 'node:https';
import { createRequire } from 'node:module';
import axios from 'axios';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import { proxmoxApi } from 'proxmox-api';
import { Cluster, ProxmoxAPI, VM, path, type Task } from '../src/index.js';
import type { Target } from './server.js';

/** One client, ready to call. */
export interface Client {
  /** Short id, used in the JSON. */
  id: string;
  /** What it is, for the table. */
  label: string;
  call: () => Promise<unknown>;
  /**
   * Closes the connections of its pool now; the next call opens new ones. The overhead case calls
   * it after each measured run, so that no client's idle connections are torn down (by its own
   * idle timeout: the SDK's and undici's are 4 s) while another client is being measured.
   */
  closeConnections: () => Promise<void>;
  /** Closes it for good. */
  close: () => Promise<void>;
}

/** The path of the status call. */
export function statusPath(t: Target): string {
  return `/api2/json/nodes/${t.node}/qemu/${t.vmid}/status/current`;
}

/** `Authorization` of the target's API token. */
export function authHeader(t: Target): string {
  return `PVEAPIToken=${t.tokenId}=${t.tokenSecret}`;
}

/** A `node:https` keep-alive agent that trusts the target's certificate: what (a) and (b) use. */
export function rawAgent(t: Target): https.Agent {
  return new https.Agent({ keepAlive: true, ca: t.ca });
}

/**
 * One raw `node:https` request: sends `body` (form-encoded) if given, reads the whole answer,
 * rejects on a status other than 200, and returns the parsed `data`.
 */
export function rawRequest(agent: https.Agent, t: Target, method: string, urlPath: string, body?: string): Promise<unknown> {
  return rawExchange(agent, t, method, urlPath, body, (text) => (JSON.parse(text) as { data: unknown }).data);
}

/** As {@link rawRequest}, but returns the body's text, unparsed. */
export function rawText(agent: https.Agent, t: Target, method: string, urlPath: string): Promise<string> {
  return rawExchange(agent, t, method, urlPath, undefined, (text) => text);
}

function rawExchange<T>(
  agent: https.Agent,
  t: Target,
  method: string,
  urlPath: string,
  body: string | undefined,
  read: (text: string) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Authorization: authHeader(t), Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = https.request({ agent, host: t.host, port: t.port, method, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${method} ${urlPath}: ${res.statusCode} ${res.statusMessage}`));
        try {
          resolve(read(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A session of the SDK on the target.
 *
 * @param adapter - The lean transport (default) or axios's stock adapter.
 */
export function sdkSession(t: Target, adapter: 'lean' | 'axios' = 'lean'): ProxmoxAPI {
  return new ProxmoxAPI({ host: t.host, port: t.port, tokenId: t.tokenId, tokenSecret: t.tokenSecret, tls: { fingerprint: t.fingerprint }, adapter });
}

function rawHttps(t: Target): Client {
  const agent = rawAgent(t);
  const p = statusPath(t);
  return {
    id: 'raw-https',
    label: '(a) node:https keep-alive',
    call: () => rawRequest(agent, t, 'GET', p),
    closeConnections: async () => agent.destroy(),
    close: async () => agent.destroy(),
  };
}

/**
 * (a) plus a fixed amount of pure CPU per request (a busy loop after the answer): a calibration row
 * that shows how a client's own CPU per request turns into the table's ratios at each concurrency.
 */
function rawHttpsPlusCpu(t: Target, us: number): Client {
  const agent = rawAgent(t);
  const p = statusPath(t);
  return {
    id: `raw-https+${us}us`,
    label: `(a) + ${us} µs of CPU per request`,
    call: async () => {
      const data = await rawRequest(agent, t, 'GET', p);
      const until = performance.now() + us / 1000;
      while (performance.now() < until) {
        // burn
      }
      return data;
    },
    closeConnections: async () => agent.destroy(),
    close: async () => agent.destroy(),
  };
}

function rawAxios(t: Target): Client {
  const agent = rawAgent(t);
  const http = axios.create({ baseURL: `https://${t.host}:${t.port}`, httpsAgent: agent, headers: { Authorization: authHeader(t) } });
  const p = statusPath(t);
  return {
    id: 'raw-axios',
    label: '(b) axios, stock adapter',
    call: async () => (await http.get<{ data: unknown }>(p)).data.data,
    closeConnections: async () => agent.destroy(),
    close: async () => agent.destroy(),
  };
}

function undici(t: Target): Client {
  let dispatcher = new UndiciAgent({ connect: { ca: t.ca } });
  const url = `https://${t.host}:${t.port}${statusPath(t)}`;
  const headers = { authorization: authHeader(t), accept: 'application/json' };
  return {
    id: 'undici',
    label: '(c) undici request()',
    call: async () => {
      const res = await undiciRequest(url, { dispatcher, headers });
      const parsed = (await res.body.json()) as { data: unknown };
      if (res.statusCode !== 200) throw new Error(`undici: ${res.statusCode}`);
      return parsed.data;
    },
    // An undici Agent cannot be used once closed: a fresh one takes its place.
    closeConnections: async () => {
      const old = dispatcher;
      dispatcher = new UndiciAgent({ connect: { ca: t.ca } });
      await old.close();
    },
    close: () => dispatcher.close(),
  };
}

/** proxmox-api's own undici (6.x, nested under it): its `fetch` and `Agent`. */
interface NestedUndici {
  fetch: (url: unknown, init: object) => Promise<unknown>;
  Agent: new (options: object) => { close(): Promise<void> };
}

function proxmoxApiClient(t: Target): Client {
  const require = createRequire(import.meta.url);
  const own = createRequire(require.resolve('proxmox-api'))('undici') as NestedUndici;
  let dispatcher = new own.Agent({ connect: { ca: t.ca } });
  const px = proxmoxApi({
    host: t.host,
    port: t.port,
    tokenID: t.tokenId,
    tokenSecret: t.tokenSecret,
    fetch: ((url: unknown, init: object) => own.fetch(url, { ...init, dispatcher })) as never,
  });
  return {
    id: 'proxmox-api',
    label: '(d) proxmox-api 1.1',
    call: () => px.nodes.$(t.node).qemu.$(t.vmid).status.current.$get(),
    closeConnections: async () => {
      const old = dispatcher;
      dispatcher = new own.Agent({ connect: { ca: t.ca } });
      await old.close();
    },
    close: () => dispatcher.close(),
  };
}

/** How the table names the session's two ways to send. */
const TRANSPORT = { lean: 'lean transport', axios: 'axios adapter' } as const;

function sdkGet(t: Target, adapter: 'lean' | 'axios'): Client {
  const api = sdkSession(t, adapter);
  return {
    id: `sdk-get-${adapter}`,
    label: `SDK api.get(), ${TRANSPORT[adapter]}`,
    call: () => api.get(path`/nodes/${t.node}/qemu/${t.vmid}/status/current`),
    closeConnections: async () => api.close(),
    close: async () => api.close(),
  };
}

function sdkStatus(t: Target, adapter: 'lean' | 'axios'): Client {
  const api = sdkSession(t, adapter);
  const vm = new VM(api, t.node, t.vmid);
  return {
    id: `sdk-status-${adapter}`,
    label: `SDK vm.status(), ${TRANSPORT[adapter]}`,
    call: () => vm.status(),
    closeConnections: async () => api.close(),
    close: async () => api.close(),
  };
}

/**
 * The SDK's 10 000-guest listing: fetch, parse and validate `/cluster/resources`.
 *
 * @param api - The session.
 * @returns The guests.
 */
export function sdkResources(api: ProxmoxAPI): Promise<unknown[]> {
  return new Cluster(api).resources({ type: 'vm' });
}

/**
 * Starts a VM through the SDK: `vm.start()`, which returns a `Task`.
 *
 * @param api - The session.
 * @param node - The node.
 * @param vmid - The VM.
 * @returns The task.
 */
export function sdkStart(api: ProxmoxAPI, node: string, vmid: number): Promise<Task> {
  return new VM(api, node, vmid).start();
}

/**
 * Every client of the request-overhead comparison, the reference (a) first.
 *
 * @param t - The server.
 * @returns The clients, each with its own connection pool.
 */
export function overheadClients(t: Target): Client[] {
  return [
    rawHttps(t),
    rawHttpsPlusCpu(t, 25),
    rawAxios(t),
    undici(t),
    proxmoxApiClient(t),
    sdkStatus(t, 'lean'),
    sdkGet(t, 'lean'),
    sdkStatus(t, 'axios'),
    sdkGet(t, 'axios'),
  ];
}
