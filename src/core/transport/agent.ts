/**
 * The session's keep-alive HTTPS agent and its TLS policy: full verification by default, a custom
 * CA, a pinned SHA-256 fingerprint, or (for this agent only) no verification.
 *
 * Nothing here touches `NODE_TLS_REJECT_UNAUTHORIZED` or any other process-wide TLS setting: every
 * choice is an option of this one agent.
 *
 * @module
 */
import https from 'node:https';
import type { ClientRequestArgs, IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { TlsOptions } from '../types.js';
import { normalizeFingerprint, TlsFingerprintError } from './fingerprint.js';

/** Sockets per host (the agent queues requests beyond this). */
const MAX_SOCKETS = 64;
/**
 * Idle keep-alive sockets are closed after this long. pveproxy and proxmox-backup-proxy drop an idle
 * connection after 5 s; closing ours first avoids writing a request into a socket the server is closing.
 */
const IDLE_TIMEOUT_MS = 4_000;
/** Initial delay of TCP keep-alive probes on a kept socket (Node's default `keepAliveMsecs`). */
const KEEPALIVE_PROBE_MS = 1_000;
/** TLS sessions kept for resumption, per agent (one per host:port is all a session needs). */
const MAX_CACHED_SESSIONS = 64;

/**
 * Creates the HTTPS agent of one session: keep-alive, up to 64 sockets per host, most recently used
 * socket first (`lifo`, so surplus sockets go idle and close), idle sockets closed after 4 s (or
 * earlier when the server's `Keep-Alive` header asks); TLS as `tls` says:
 *
 * - nothing: full verification against Node's root CAs, host name included (a self-signed
 *   certificate is rejected, `DEPTH_ZERO_SELF_SIGNED_CERT`);
 * - `ca`: the chain must lead to that PEM (which replaces the root CAs), host name still checked;
 * - `fingerprint`: the server's certificate must have that SHA-256 fingerprint, and no other is
 *   accepted; chain and host name are not checked (a pin names the exact certificate, so a
 *   self-signed one works). The pin is checked on every full handshake, before any request byte is
 *   written, and the socket is destroyed with a {@link TlsFingerprintError}
 *   (`code: 'ERR_TLS_FINGERPRINT_MISMATCH'`) on a mismatch. A resumed TLS session shows no
 *   certificate, so this agent keeps its own session cache, filled only by connections that passed
 *   the pin: a session can be resumed only from a pinned connection of this agent;
 * - `ca` and `fingerprint`: both hold — the chain must verify against `ca` (host name included)
 *   and the certificate must match the pin. Each option only narrows what is accepted;
 * - `insecure: true`: no verification at all, for this agent only. Combined with `ca` or
 *   `fingerprint` it is a contradiction and throws a `TypeError`, rather than silently dropping a
 *   check the caller asked for.
 *
 * @param tls - The session's TLS options, or `undefined` for the default (full verification).
 * @returns A new agent; give it to `createLeanTransport` or as axios's `httpsAgent`.
 * @throws TypeError when an option is malformed (a fingerprint that is not 32 bytes of hex, an empty
 *   `ca`, a non-boolean `insecure`) or when `insecure: true` is combined with `ca` or `fingerprint`.
 * @example
 * ```ts
 * const agent = createHttpsAgent({ fingerprint: '52:F4:54:…:17:2E' });
 * const send = createLeanTransport(agent, { host: 'pve1', port: 8006, basePath: '/api2/json', headers: { Accept: 'application/json' } });
 * ```
 */
export function createHttpsAgent(tls: TlsOptions | undefined): https.Agent {
  const base: https.AgentOptions = {
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    maxFreeSockets: MAX_SOCKETS,
    scheduling: 'lifo',
  };
  if (tls === undefined) return new SessionAgent(base);

  const { ca, fingerprint, insecure } = tls;
  if (insecure !== undefined && typeof insecure !== 'boolean') {
    throw new TypeError(`tls.insecure must be a boolean, got ${typeof insecure}`);
  }
  if (ca !== undefined) {
    if (!(typeof ca === 'string' || Buffer.isBuffer(ca)) || ca.length === 0) {
      throw new TypeError('tls.ca must be a non-empty PEM string or Buffer');
    }
  }
  if (insecure === true && (ca !== undefined || fingerprint !== undefined)) {
    throw new TypeError(
      `tls.insecure cannot be combined with tls.${fingerprint !== undefined ? 'fingerprint' : 'ca'}: ` +
        'insecure turns verification off, the other option asks for it',
    );
  }

  if (fingerprint !== undefined) {
    const pin = normalizeFingerprint(fingerprint);
    return new PinnedAgent(
      ca !== undefined ? { ...base, ca, rejectUnauthorized: true } : { ...base, rejectUnauthorized: false },
      pin,
    );
  }
  if (insecure === true) return new SessionAgent({ ...base, rejectUnauthorized: false });
  if (ca !== undefined) return new SessionAgent({ ...base, ca, rejectUnauthorized: true });
  return new SessionAgent(base);
}

/**
 * A keep-alive agent whose idle sockets time out after {@link IDLE_TIMEOUT_MS}.
 *
 * Node's `timeout` agent option would do the same but costs two timer re-arms and a listener per
 * request (it clears the socket's timeout when a response ends, then sets it again when the socket
 * is freed). Here the idle timeout is set once per socket and left armed: during a request it
 * only emits `timeout` events nobody acts on (Node's agent destroys a timed-out socket only when it
 * is idle), so a long synchronous API call is never cut by it.
 */
class SessionAgent extends https.Agent {
  /**
   * Called by Node when a response ends and the socket can be kept: Node's own steps (TCP
   * keep-alive, unref, honour a `Keep-Alive: timeout=N` hint from the server) with our idle timeout.
   */
  override keepSocketAlive(socket: Socket): boolean {
    socket.setKeepAlive(true, KEEPALIVE_PROBE_MS);
    socket.unref();
    let idle = IDLE_TIMEOUT_MS;
    const hint = (socket as SocketWithMessage)._httpMessage?.res?.headers['keep-alive'];
    if (typeof hint === 'string') {
      const seconds = /^timeout=(\d+)/.exec(hint)?.[1];
      if (seconds !== undefined) {
        // Give up the socket one second before the server says it will.
        const serverIdle = Number(seconds) * 1000 - 1000;
        if (serverIdle <= 0) return false;
        if (serverIdle < idle) idle = serverIdle;
      }
    }
    if (socket.timeout !== idle) socket.setTimeout(idle);
    return true;
  }
}

/** Node's link from a socket to the request it served (set by `http`, read by Node's own agent). */
type SocketWithMessage = Socket & { _httpMessage?: { res?: { headers: IncomingHttpHeaders } } | null };

/**
 * An agent that accepts only the server certificate with the pinned fingerprint, on every full
 * handshake, and resumes TLS sessions only from its own cache of pinned connections.
 *
 * Node's own session cache is bypassed on purpose: it stores the session of a connection even when
 * a `secureConnect` listener has just destroyed it (Node emits `session` right after
 * `secureConnect`) and only evicts it when the socket's `close` event follows. Here a session is
 * cached only once its connection passed the pin, so no window exists in which a later connection
 * could resume an impostor's session and show no certificate to check.
 */
class PinnedAgent extends SessionAgent {
  readonly #pin: string;
  readonly #sessions = new Map<string, Buffer>();

  constructor(options: https.AgentOptions, pin: string) {
    super(options);
    this.#pin = pin;
  }

  /**
   * Opens a TLS connection and checks the pin once the handshake is done. `secureConnect` is
   * emitted from within the handshake callback, before Node flushes the request written to the
   * socket, so destroying the socket here means no request byte ever reaches a wrong server (Node's
   * own `rejectUnauthorized` check relies on the same ordering).
   */
  override createConnection(options: ClientRequestArgs): Duplex {
    const connectOptions = options as ConnectionOptions & { _agentKey?: string };
    const key = connectOptions._agentKey ?? `${connectOptions.host}:${connectOptions.port}:${connectOptions.servername ?? ''}`;
    const offered = this.#sessions.get(key);
    // Always set `session`: only a session from this agent's pinned cache may ever be offered.
    const socket = tlsConnect({ ...connectOptions, session: offered });
    const pin = this.#pin;
    let pinned = false;

    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const received = cert.fingerprint256;
      if (received) {
        if (received === pin) pinned = true;
      } else if (offered !== undefined && socket.isSessionReused()) {
        // A resumed session shows no certificate; it can only be one this agent cached from a
        // connection that passed the pin (whoever resumed it holds that session's secret).
        pinned = true;
      }
      if (!pinned) {
        const where = `${connectOptions.host ?? 'localhost'}:${connectOptions.port ?? 443}`;
        socket.destroy(new TlsFingerprintError(where, pin, received || 'none'));
      }
    });
    socket.on('session', (session: Buffer) => {
      // Node emits sessions only after `secureConnect`; cache only those of pinned connections.
      if (pinned && !socket.destroyed) this.#cacheSession(key, session);
    });
    socket.once('close', (hadError: boolean) => {
      if (hadError && this.#sessions.get(key) === offered) this.#sessions.delete(key);
    });
    return socket;
  }

  #cacheSession(key: string, session: Buffer): void {
    this.#sessions.delete(key);
    this.#sessions.set(key, session);
    if (this.#sessions.size > MAX_CACHED_SESSIONS) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
  }
}
