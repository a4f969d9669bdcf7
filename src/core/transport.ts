/**
 * The session's transport: a keep-alive HTTPS agent with the session's TLS policy (verification,
 * CA, fingerprint pinning) and a lean axios adapter on `node:https`.
 *
 * @module
 */
export { createHttpsAgent } from './transport/agent.js';
export { createLeanAdapter } from './transport/adapter.js';
export { createLeanTransport, LeanTransportError, type LeanReply, type LeanRequest, type LeanTransport } from './transport/lean.js';
export { ERR_TLS_FINGERPRINT_MISMATCH, normalizeFingerprint, TlsFingerprintError } from './transport/fingerprint.js';
