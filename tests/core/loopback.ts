/**
 * Real HTTPS servers on loopback for the core tests, where nock cannot be trusted: connection
 * resets, refused connections and TLS failures (nock's `replyWithError` is flaky under load).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url)), 'utf8');

/** The test CA: the fixture's self-signed certificate for 127.0.0.1. */
export const CA = fixture('server-cert.pem');

export interface Loopback {
  port: number;
  /** Requests that reached the handler. */
  requests: number;
  close(): Promise<void>;
}

const open: Loopback[] = [];

/**
 * Starts an HTTPS server on 127.0.0.1 with the fixture certificate.
 *
 * @param handler - Answers each request; `reset` destroys the connection instead.
 */
export async function startLoopback(handler: ((req: IncomingMessage, res: ServerResponse) => void) | 'reset'): Promise<Loopback> {
  const server = https.createServer({ key: fixture('server-key.pem'), cert: CA });
  const state: Loopback = {
    port: 0,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    state.requests += 1;
    if (handler === 'reset') req.socket.destroy();
    else handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  open.push(state);
  return state;
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Closes every server started by the file. Call from `afterEach`. */
export async function closeLoopbacks(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}
