/**
 * The session's transport: a keep-alive HTTPS agent with the session's TLS policy (verification,
 * CA, fingerprint pinning) and the lean transport on `node:https`.
 *
 * @module
 */
export { createHttpsAgent } from './transport/agent.js';
export { createLeanTransport, LeanTransportError, type LeanFailureKind, type LeanReply, type LeanRequest, type LeanTransport } from './transport/lean.js';
export { ERR_TLS_FINGERPRINT_MISMATCH, normalizeFingerprint, TlsFingerprintError } from './transport/fingerprint.js';
