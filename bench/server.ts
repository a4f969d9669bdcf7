/**
 * The benchmark's server: HTTPS on loopback, answering like Proxmox VE with no work of its own
 * (every body is built once, at start), in a child process.
 *
 * Why a child process: the client under test must be alone in its process. In the same process
 * the server's TLS, parsing and writing would run on the client's event loop (each request's cost
 * counted twice, and the two halves serialised on one core), and `process.cpuUsage()` would add
 * the server's CPU to the client's. A worker thread would fix the first but not the second:
 * `process.cpuUsage()` counts every thread of the process, and Node 20 has no per-thread CPU
 * clock. So the server is a process of its own, on the machine's other core, and it reports its
 * own CPU use over IPC: when it is busy near 100 % of a core, the server, not the client, limits
 * throughput, and the report says so.
 *
 * Routes (any node, any vmid):
 * - `GET  /api2/json/version`
 * - `GET  /api2/json/nodes/{node}/qemu/{vmid}/status/current` — a running VM's status as PVE 8 sends it
 * - `GET  /api2/json/cluster/resources` — a cluster of `--guests` guests (default 10 000)
 * - `POST /api2/json/nodes/{node}/qemu/{vmid}/status/start` — a UPID, after `--start-latency-ms`
 * Any request without an `Authorization` header or cookie gets a 401, anything else a 501.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';

const FIXTURES = new URL('../fixtures/tls/', import.meta.url);

/** Where the server listens and how to trust and call it. */
export interface Target {
  host: string;
  port: number;
  /** The server's certificate (PEM), to trust as a CA. */
  ca: string;
  /** Its SHA-256 fingerprint, `AA:BB:…`. */
  fingerprint: string;
  tokenId: string;
  /** A UUID, as Proxmox makes them (proxmox-api refuses anything else). */
  tokenSecret: string;
  node: string;
  vmid: number;
}

/** The running server, seen from the parent. */
export interface BenchServer {
  target: Target;
  /** The server's own CPU use so far (user + system, microseconds). */
  cpuUs(): Promise<number>;
  close(): Promise<void>;
}

/** Options of the server. */
export interface ServerOptions {
  /** Guests in `/cluster/resources`. */
  guests: number;
  /** Real milliseconds before `status/start` answers. */
  startLatencyMs: number;
}

/**
 * Starts the server in a child process and waits until it listens.
 *
 * @param options - Guests and latency.
 * @returns The handle.
 */
export async function startBenchServer(options: ServerOptions): Promise<BenchServer> {
  const cert = readFileSync(new URL('server-cert.pem', FIXTURES), 'utf8');
  // process.execArgv carries tsx's loader, so the child runs this same TypeScript file (but a
  // profile of the client, `--cpu-prof`, is not the server's business).
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(options.guests), String(options.startLatencyMs)], {
    execArgv: process.execArgv.filter((a) => !a.startsWith('--cpu-prof')),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited early (code ${code})`)));
    child.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('bench server: bad hello'))));
  });
  child.removeAllListeners('exit');
  return {
    target: {
      host: '127.0.0.1',
      port,
      ca: cert,
      fingerprint: new X509Certificate(cert).fingerprint256,
      tokenId: 'root@pam!bench',
      tokenSecret: '0b3c4a5e-6f70-4182-93a4-b5c6d7e8f901',
      node: 'pve1',
      vmid: 100,
    },
    cpuUs: () => ask(child),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

let seq = 0;
function ask(child: ChildProcess): Promise<number> {
  const id = ++seq;
  return new Promise((resolve) => {
    const onMessage = (m: { id?: number; cpuUs?: number }): void => {
      if (m.id !== id) return;
      child.off('message', onMessage);
      resolve(m.cpuUs ?? NaN);
    };
    child.on('message', onMessage);
    child.send({ id });
  });
}

// --- The child -------------------------------------------------------------------------------

const JSON_TYPE = 'application/json;charset=UTF-8';

function body(data: unknown): Buffer {
  return Buffer.from(JSON.stringify({ data }));
}

/** `status/current` of a running VM, with the fields PVE 8.4 sends (about 1.4 kB). */
function vmStatus(vmid: number): unknown {
  return {
    vmid, name: `vm-${vmid}`, status: 'running', qmpstatus: 'running', pid: 10_000 + vmid, uptime: 356_712,
    cpus: 4, cpu: 0.0274, maxmem: 8_589_934_592, mem: 3_427_280_512, freemem: 4_912_730_112,
    balloon: 8_589_934_592, ballooninfo: { actual: 8_589_934_592, max_mem: 8_589_934_592, total_mem: 8_339_247_104, free_mem: 4_912_730_112,
      mem_swapped_in: 0, mem_swapped_out: 0, major_page_faults: 1823, minor_page_faults: 9_871_234, last_update: 1_735_689_600 },
    maxdisk: 68_719_476_736, disk: 0, diskread: 14_610_432_000, diskwrite: 52_428_800_000, netin: 654_160_384, netout: 325_324_800,
    nics: { [`tap${vmid}i0`]: { netin: 654_160_384, netout: 325_324_800 } },
    blockstat: {
      scsi0: { rd_bytes: 14_610_432_000, wr_bytes: 52_428_800_000, rd_operations: 412_312, wr_operations: 1_823_441, flush_operations: 98_123,
        rd_total_time_ns: 41_234_567_890, wr_total_time_ns: 912_345_678_901, flush_total_time_ns: 12_345_678_901, failed_rd_operations: 0,
        failed_wr_operations: 0, invalid_rd_operations: 0, invalid_wr_operations: 0, idle_time_ns: 123_456_789, unmap_bytes: 0,
        unmap_operations: 0, account_invalid: true, account_failed: true, timed_stats: [] },
    },
    ha: { managed: 0 }, agent: 1, 'running-machine': 'pc-i440fx-9.0+pve0', 'running-qemu': '9.0.2',
    'proxmox-support': { 'pbs-dirty-bitmap': true, 'pbs-dirty-bitmap-migration': true, 'pbs-library-version': '1.4.1 (UNKNOWN)',
      'pbs-masterkey': true, 'query-bitmap-info': true, 'backup-max-workers': true },
    tags: 'bench;prod',
  };
}

/** `/cluster/resources` of a cluster of `guests` guests on 16 nodes: four VMs to a container, a third stopped. */
export function clusterResources(guests: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < guests; i++) {
    const vmid = 100 + i;
    const lxc = i % 5 === 4;
    const running = i % 3 !== 0;
    const maxmem = (1 + (i % 16)) * 1_073_741_824;
    out.push({
      id: `${lxc ? 'lxc' : 'qemu'}/${vmid}`, type: lxc ? 'lxc' : 'qemu', vmid, node: `pve${1 + (i % 16)}`,
      name: `${lxc ? 'ct' : 'vm'}-${vmid}`, status: running ? 'running' : 'stopped', template: 0,
      maxcpu: 1 + (i % 8), cpu: running ? ((i * 7919) % 1000) / 10_000 : 0,
      maxmem, mem: running ? Math.floor(maxmem * 0.42) : 0,
      maxdisk: 34_359_738_368, disk: lxc && running ? 8_589_934_592 : 0,
      uptime: running ? 86_400 + i : 0, netin: running ? 1_834 * i : 0, netout: running ? 912 * i : 0,
      diskread: running ? 40_960 * i : 0, diskwrite: running ? 20_480 * i : 0,
      ...(i % 4 === 0 ? { tags: 'prod;web' } : {}),
      ...(i % 10 === 0 ? { pool: 'production' } : {}),
      ...(i % 50 === 0 ? { hastate: 'started' } : {}),
    });
  }
  return out;
}

function serve(guests: number, startLatencyMs: number): void {
  const version = body({ version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' });
  const resources = body(clusterResources(guests));
  const statuses = new Map<string, Buffer>();
  const notFound = Buffer.from('{"data":null}');
  const headers = (length: number): Record<string, string | number> => ({
    'Content-Type': JSON_TYPE,
    'Content-Length': length,
    'Cache-Control': 'max-age=0',
    Pragma: 'no-cache',
  });
  const send = (res: ServerResponse, status: number, payload: Buffer, reason?: string): void => {
    if (reason !== undefined) res.writeHead(status, reason, headers(payload.length));
    else res.writeHead(status, headers(payload.length));
    res.end(payload);
  };
  let pid = 0x1000;

  const server: Server = createServer(
    {
      cert: readFileSync(new URL('server-cert.pem', FIXTURES)),
      key: readFileSync(new URL('server-key.pem', FIXTURES)),
      keepAlive: true,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      if (req.headers.authorization === undefined && req.headers.cookie === undefined) {
        req.resume();
        send(res, 401, notFound, 'No ticket');
        return;
      }
      if (req.method === 'GET') {
        const path = url.split('?', 1)[0] ?? url;
        if (path.endsWith('/status/current')) {
          let payload = statuses.get(path);
          if (payload === undefined) {
            payload = body(vmStatus(Number(path.split('/')[6]) || 100));
            statuses.set(path, payload);
          }
          send(res, 200, payload);
        } else if (path === '/api2/json/cluster/resources') {
          send(res, 200, resources);
        } else if (path === '/api2/json/version') {
          send(res, 200, version);
        } else {
          send(res, 501, notFound, `Method 'GET ${path}' not implemented`);
        }
        return;
      }
      req.resume();
      const m = /^\/api2\/json\/nodes\/([^/]+)\/qemu\/(\d+)\/status\/start$/.exec(url);
      if (req.method === 'POST' && m) {
        const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
        const upid = `UPID:${m[1]}:${hex(++pid)}:0ABCDEF0:${hex(Math.floor(Date.now() / 1000))}:qmstart:${m[2]}:root@pam!bench:`;
        const payload = body(upid);
        setTimeout(() => send(res, 200, payload), startLatencyMs);
        return;
      }
      send(res, 501, notFound, `Method '${req.method} ${url}' not implemented`);
    },
  );
  // Idle keep-alive connections stay open (pveproxy closes them after 5 s; clients here re-warm
  // their pools before every measured run anyway).
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  process.on('message', (m: { id: number }) => {
    const cpu = process.cpuUsage();
    process.send?.({ id: m.id, cpuUs: cpu.user + cpu.system });
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[2] === '--serve') serve(Number(process.argv[3]), Number(process.argv[4]));
