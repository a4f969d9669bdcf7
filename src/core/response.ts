/**
 * Reads a raw Proxmox answer: JSON parsing, error statuses through `createApiError`, the `data`
 * envelope and the caller's zod schema.
 *
 * @module
 */
import type { ZodType } from 'zod';
import { createApiError, InvalidResponseError, type RequestInfo } from './errors.js';
import type { RawResponse } from './http.js';

/**
 * Turns a raw answer into the value of its `data`, or throws the matching error.
 *
 * @param raw - The raw answer.
 * @param method - The request's method.
 * @param path - The request's path.
 * @param schema - Parses `data` when given.
 * @param redact - Removes the session's secrets from a text.
 * @returns `data`, parsed by `schema` when given.
 * @throws ProxmoxApiError (a subclass by status and reason) for an error status;
 *   InvalidResponseError for a body that is not JSON, has no `data`, or does not fit `schema`.
 */
export function readResponse<T>(
  raw: RawResponse,
  method: string,
  path: string,
  schema: ZodType<T> | undefined,
  redact: (text: string) => string,
): T {
  // The usual answer, read without describing the request: success, JSON, `data`, a schema that fits.
  if (raw.status < 400) {
    const body = parseJson(raw.body);
    if (body.ok && typeof body.value === 'object' && body.value !== null && !Array.isArray(body.value) && 'data' in body.value) {
      const data = (body.value as { data: unknown }).data;
      if (!schema) return data as T;
      const result = schema.safeParse(data);
      if (result.success) return result.data;
      throw new InvalidResponseError({ method, path, status: raw.status }, redact(summarizeIssues(result.error.issues)));
    }
  }
  return readUnusual(raw, { method, path }, redact);
}

/** An error status, or a success whose body is not JSON or has no `data`: the matching error. */
function readUnusual(raw: RawResponse, info: RequestInfo, redact: (text: string) => string): never {
  const parsed = parseJson(raw.body);
  if (raw.status >= 400) throw apiError(raw, info, parsed, redact);
  const described = { ...info, status: raw.status };
  if (!parsed.ok) {
    throw new InvalidResponseError(described, `body is not JSON (${raw.contentType ?? 'no content type'}, ${Buffer.byteLength(raw.body)} bytes)`);
  }
  throw new InvalidResponseError(described, 'no "data" in the body');
}

type Parsed = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * The error of an error status. Proxmox VE puts the message in the reason phrase; Proxmox Backup
 * Server sends it as the (non-JSON) body with a generic phrase.
 */
function apiError(raw: RawResponse, info: RequestInfo, parsed: Parsed, redact: (text: string) => string) {
  let reason = raw.reason;
  let body: unknown;
  if (parsed.ok) {
    body = redactBody(parsed.value, redact);
    const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
    if (typeof message === 'string' && message.trim() !== '' && isGeneric(raw)) reason = message.trim();
  } else if (raw.body.trim() !== '' && !/^\s*</.test(raw.body)) {
    reason = raw.body.trim().split('\n')[0]?.slice(0, 500) ?? reason;
  }
  return createApiError({ ...info, status: raw.status, reason: redact(reason) }, body);
}

function isGeneric(raw: RawResponse): boolean {
  return raw.reason === '' || raw.reason === STATUS_TEXT[raw.status];
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** Keeps only `errors` (redacted): nothing else of an error body is needed. */
function redactBody(body: unknown, redact: (text: string) => string): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const { errors, message } = body as { errors?: unknown; message?: unknown };
  const out: { errors?: Record<string, string>; message?: string } = {};
  if (typeof errors === 'object' && errors !== null) {
    out.errors = Object.fromEntries(
      Object.entries(errors).map(([k, v]) => [k, redact(typeof v === 'string' ? v : JSON.stringify(v))]),
    );
  }
  if (typeof message === 'string') out.message = message;
  return out;
}

/**
 * A short, value-free summary of zod issues: where and what, at most five.
 *
 * @param issues - The issues of a failed parse.
 * @returns `data.0.node: Invalid input: expected string, received number; …`.
 */
export function summarizeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const where = ['data', ...issue.path.map((p) => String(p))].join('.');
    return `${where}: ${issue.message.slice(0, 200)}`;
  });
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `does not match the schema: ${shown.join('; ')}${more}`;
}
