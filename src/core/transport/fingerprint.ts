/**
 * SHA-256 certificate fingerprints: parsing user input, and the error of a pin that does not match.
 *
 * @module
 */

/**
 * The `code` of the error a pinned connection fails with when the server's certificate is not the
 * pinned one (on the {@link TlsFingerprintError}, and on the `AxiosError` that wraps it).
 *
 * @example
 * ```ts
 * if (err.code === ERR_TLS_FINGERPRINT_MISMATCH) console.error('not the pinned certificate:', err.message);
 * ```
 */
export const ERR_TLS_FINGERPRINT_MISMATCH = 'ERR_TLS_FINGERPRINT_MISMATCH';

const PREFIX = /^\s*(?:sha-?256\s*)?fingerprint\s*=\s*/i;
const HEX_PAIR = /^[0-9a-f]{2}$/i;
const HEX_64 = /^[0-9a-f]{64}$/i;

/**
 * Normalizes a SHA-256 certificate fingerprint to the upper-case, colon-separated form Node reports
 * (`AA:BB:…`, 32 bytes), the form `pvenode cert info` prints.
 *
 * Accepts `AA:BB:…` (any case), 64 hex digits without separators, and either of them after the
 * `sha256 Fingerprint=` prefix that `openssl x509 -noout -fingerprint -sha256` prints.
 *
 * @param fp - The fingerprint as the user wrote it.
 * @returns The fingerprint as `AA:BB:…:FF`.
 * @throws TypeError when `fp` is not a string holding exactly 32 bytes of hex.
 * @example
 * ```ts
 * normalizeFingerprint('sha256 Fingerprint=52:f4:54:…:2e'); // '52:F4:54:…:2E'
 * normalizeFingerprint('52f454b7…172e');                     // '52:F4:54:B7:…:17:2E'
 * ```
 */
export function normalizeFingerprint(fp: string): string {
  if (typeof fp !== 'string') {
    throw new TypeError(`tls.fingerprint must be a string, got ${typeof fp}`);
  }
  const body = fp.replace(PREFIX, '').trim();
  let hex: string | undefined;
  if (body.includes(':')) {
    const parts = body.split(':');
    if (parts.length === 32 && parts.every((p) => HEX_PAIR.test(p))) hex = parts.join('');
  } else if (HEX_64.test(body)) {
    hex = body;
  }
  if (hex === undefined) {
    const shown = fp.length > 120 ? `${fp.slice(0, 120)}…` : fp;
    throw new TypeError(
      `tls.fingerprint must be a SHA-256 fingerprint (32 bytes of hex, like AA:BB:…:FF), got ${JSON.stringify(shown)}`,
    );
  }
  hex = hex.toUpperCase();
  let out = hex.slice(0, 2);
  for (let i = 2; i < 64; i += 2) out += ':' + hex.slice(i, i + 2);
  return out;
}

/**
 * The error a pinned connection is destroyed with when the server presents a certificate whose
 * SHA-256 fingerprint is not the pinned one. It is raised before any request byte is written; its
 * `code` is {@link ERR_TLS_FINGERPRINT_MISMATCH}. Fingerprints are public, so both are in the message.
 *
 * @example
 * ```ts
 * socket.destroy(new TlsFingerprintError('pve1:8006', 'AA:…', 'BB:…'));
 * ```
 */
export class TlsFingerprintError extends Error {
  /** Always {@link ERR_TLS_FINGERPRINT_MISMATCH}. */
  readonly code = ERR_TLS_FINGERPRINT_MISMATCH;
  /** The `host:port` that was connected to. */
  readonly host: string;
  /** The pinned fingerprint (`AA:BB:…`). */
  readonly expected: string;
  /** The fingerprint the server presented, or `none` when it presented no certificate. */
  readonly received: string;

  /**
   * @param host - The `host:port` that was connected to.
   * @param expected - The pinned fingerprint.
   * @param received - The server's fingerprint, or `none`.
   */
  constructor(host: string, expected: string, received: string) {
    super(
      `TLS certificate of ${host} does not match the pinned SHA-256 fingerprint: expected ${expected}, received ${received}`,
    );
    this.name = 'TlsFingerprintError';
    this.host = host;
    this.expected = expected;
    this.received = received;
  }
}
