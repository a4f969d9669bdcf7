/**
 * Authentication of a session: API token headers, or tickets (lazy login, renewal before they
 * expire, one login shared by concurrent requests, a second factor through `otp`).
 *
 * Every secret lives in a `#private` field, so no inspection or serialisation of the session shows it.
 *
 * @module
 */
import { z } from 'zod';
import { AuthenticationError } from './errors.js';
import type { Credential } from './options.js';
import type { Params, Product, RequestOptions, TicketEvent } from './types.js';

/**
 * Replaces every occurrence of each secret in `text` with `***`.
 *
 * @param text - Any text about to go into an error or event.
 * @param secrets - The values to blank out (empty ones are skipped).
 * @returns The text without them.
 * @internal
 */
export function blankOut(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) if (secret !== '' && out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

/** Tickets are valid for two hours. */
export const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** A ticket older than this is renewed before the next request. */
export const RENEW_AFTER_MS = 60 * 60 * 1000;
/** After a failed renewal, wait this long before trying again (the old ticket still works). */
const RENEW_BACKOFF_MS = 60 * 1000;

/** Posts to `/access/ticket` without authentication and returns the answer's `data`. */
export type TicketPoster = (params: Params, options: RequestOptions) => Promise<unknown>;

/** What the authenticator tells the session. */
export interface AuthListener {
  ticket: (event: TicketEvent) => void;
  warning: (code: string, message: string) => void;
}

/** The headers of one request and which ticket they carry. */
export interface AuthHeaders {
  headers: Record<string, string>;
  /** Changes with every new ticket; a 401 re-logs in only if the ticket is still this one. */
  generation: number;
}

const TicketAnswer = z.looseObject({
  ticket: z.string().min(1),
  CSRFPreventionToken: z.string().optional(),
  username: z.string(),
  NeedTFA: z.union([z.number(), z.boolean(), z.string()]).optional(),
});

interface TicketState {
  ticket: string;
  csrf: string | undefined;
  username: string;
  obtainedAt: number;
}

/**
 * Produces the authentication headers of every request of one session.
 */
export class Authenticator {
  readonly #product: Product;
  readonly #credential: Credential;
  readonly #post: TicketPoster;
  readonly #listener: AuthListener;
  readonly #now: () => number;
  readonly #secrets = new Set<string>();
  #state: TicketState | undefined;
  #generation = 0;
  #inflight: Promise<void> | undefined;
  #renewFailedAt = -Infinity;
  /** A token session's headers: the same on every request, built once. */
  readonly #tokenHeaders: Readonly<Record<string, string>> | undefined;

  /**
   * @param product - `pve` or `pbs` (cookie and token header names).
   * @param credential - The validated credential.
   * @param post - Sends `POST /access/ticket` (without authentication).
   * @param listener - Receives ticket events and warnings.
   * @param now - The clock (tests pass a fake one).
   */
  constructor(product: Product, credential: Credential, post: TicketPoster, listener: AuthListener, now: () => number = Date.now) {
    this.#product = product;
    this.#credential = credential;
    this.#post = post;
    this.#listener = listener;
    this.#now = now;
    if (credential.kind === 'token') {
      this.#remember(credential.tokenSecret);
      const value =
        product === 'pve'
          ? `PVEAPIToken=${credential.tokenId}=${credential.tokenSecret}`
          : `PBSAPIToken=${credential.tokenId}:${credential.tokenSecret}`;
      this.#tokenHeaders = Object.freeze({ Authorization: value });
    }
    if (credential.kind === 'password' && typeof credential.password === 'string') this.#remember(credential.password);
    if (credential.kind === 'ticket') {
      this.#remember(credential.ticket);
      this.#remember(credential.csrfToken);
      this.#state = {
        ticket: credential.ticket,
        csrf: credential.csrfToken,
        username: ticketUser(credential.ticket) ?? '',
        obtainedAt: ticketTime(credential.ticket) ?? now(),
      };
    }
  }

  /** Whether a 401 can be cured by logging in again (a password session). */
  get canRelogin(): boolean {
    return this.#credential.kind === 'password';
  }

  /**
   * A token session's headers, the same for every request (no login, no renewal, no 401 to cure):
   * the session sends them without waiting for {@link Authenticator.headers}. Undefined for a
   * ticket session.
   */
  get tokenHeaders(): Readonly<Record<string, string>> | undefined {
    return this.#tokenHeaders;
  }

  /**
   * Replaces every secret this session knows with `***`.
   *
   * @param text - Any text about to go into an error or event.
   * @returns The text without secrets.
   */
  redact(text: string): string {
    return blankOut(text, this.#secrets);
  }

  /**
   * The headers of one request: the token header, or the ticket cookie (logging in or renewing
   * first when due) plus the CSRF token on anything but GET.
   *
   * @param method - The HTTP method.
   * @param options - Signal and timeout for a login this needs.
   * @returns The headers and the ticket generation they carry.
   */
  async headers(method: string, options: RequestOptions): Promise<AuthHeaders> {
    if (this.#tokenHeaders !== undefined) return { headers: { ...this.#tokenHeaders }, generation: 0 };
    await this.#ensureFresh(options);
    const state = this.#state;
    if (!state) throw new Error('unreachable: no ticket after login');
    const headers: Record<string, string> = { Cookie: `${this.#product === 'pve' ? 'PVEAuthCookie' : 'PBSAuthCookie'}=${state.ticket}` };
    if (method !== 'GET' && state.csrf !== undefined) headers['CSRFPreventionToken'] = state.csrf;
    return { headers, generation: this.#generation };
  }

  /**
   * Logs in now (token sessions need nothing). Concurrent calls share one login.
   *
   * @param options - Signal and timeout of the login requests.
   */
  async login(options: RequestOptions): Promise<void> {
    if (this.#credential.kind !== 'password') {
      await this.#ensureFresh(options);
      return;
    }
    const generation = this.#generation;
    await this.#singleFlight(() => (this.#generation === generation ? this.#fullLogin('login', options) : Promise.resolve()));
  }

  /**
   * After a 401: logs in again once, unless another request already did since `generation`.
   *
   * @param generation - The generation of the ticket the refused request carried.
   * @param options - Signal and timeout of the login.
   */
  async relogin(generation: number, options: RequestOptions): Promise<void> {
    await this.#singleFlight(() => (this.#generation === generation ? this.#fullLogin('relogin', options) : Promise.resolve()));
  }

  async #ensureFresh(options: RequestOptions): Promise<void> {
    while (this.#inflight) await this.#inflight;
    const state = this.#state;
    if (!state) {
      if (this.#credential.kind === 'password') await this.#singleFlight(() => (this.#state ? Promise.resolve() : this.#fullLogin('login', options)));
      return;
    }
    const age = this.#now() - state.obtainedAt;
    if (age < RENEW_AFTER_MS || state.username === '') return;
    const expired = age >= TICKET_LIFETIME_MS;
    if (expired && this.#credential.kind === 'password') {
      await this.#singleFlight(() => (this.#state === state ? this.#fullLogin('login', options) : Promise.resolve()));
      return;
    }
    if (expired || this.#now() - this.#renewFailedAt < RENEW_BACKOFF_MS) return;
    await this.#singleFlight(() => (this.#state === state ? this.#renew(state, options) : Promise.resolve()));
  }

  #singleFlight(run: () => Promise<void>): Promise<void> {
    if (this.#inflight) return this.#inflight.then(() => this.#singleFlight(run));
    const flight = run().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = flight;
    return flight;
  }

  async #renew(state: TicketState, options: RequestOptions): Promise<void> {
    try {
      const answer = await this.#postTicket({ username: state.username, password: state.ticket }, options);
      this.#accept(answer, 'renew');
    } catch (err) {
      if (err instanceof AuthenticationError && this.#credential.kind === 'password') {
        await this.#fullLogin('login', options);
        return;
      }
      if (options.signal?.aborted) throw err;
      this.#renewFailedAt = this.#now();
      this.#listener.warning('TICKET_RENEW_FAILED', `renewing the ticket failed, still using the current one: ${err instanceof Error ? err.message : 'unknown error'}`);
    }
  }

  async #fullLogin(reason: TicketEvent['reason'], options: RequestOptions): Promise<void> {
    const c = this.#credential;
    if (c.kind !== 'password') return;
    const password = typeof c.password === 'string' ? c.password : await c.password();
    if (typeof password !== 'string' || password === '') {
      throw new TypeError('option password: the function must resolve to a non-empty string');
    }
    this.#remember(password);
    let answer = await this.#postTicket({ username: c.username, password }, options);
    if (needsTfa(answer)) {
      this.#remember(answer.ticket);
      if (!c.otp) throw authError(`${answer.username} needs a second factor, but option otp is not set`);
      const response = await c.otp({ username: answer.username, types: tfaTypes(answer.ticket) });
      if (typeof response !== 'string' || response === '') throw new TypeError('option otp must resolve to a non-empty string');
      const code = /^[a-z][a-z0-9-]*:/i.test(response) ? response : `totp:${response}`;
      this.#remember(response);
      this.#remember(code);
      answer = await this.#postTicket({ username: answer.username, 'tfa-challenge': answer.ticket, password: code }, options);
      if (needsTfa(answer)) throw authError('the second factor was not accepted');
    }
    this.#accept(answer, reason);
  }

  async #postTicket(params: Params, options: RequestOptions): Promise<z.infer<typeof TicketAnswer>> {
    const data = await this.#post(params, options);
    const parsed = TicketAnswer.safeParse(data);
    if (!parsed.success) throw authError('the login answer has no ticket');
    this.#remember(parsed.data.ticket);
    if (parsed.data.CSRFPreventionToken) this.#remember(parsed.data.CSRFPreventionToken);
    return parsed.data;
  }

  #accept(answer: z.infer<typeof TicketAnswer>, reason: TicketEvent['reason']): void {
    this.#state = { ticket: answer.ticket, csrf: answer.CSRFPreventionToken, username: answer.username, obtainedAt: this.#now() };
    this.#generation += 1;
    this.#renewFailedAt = -Infinity;
    this.#listener.ticket({ reason, username: answer.username });
  }

  #remember(secret: string): void {
    if (secret.length >= 4) this.#secrets.add(secret);
  }
}

function authError(reason: string): AuthenticationError {
  return new AuthenticationError({ status: 401, reason, method: 'POST', path: '/access/ticket' });
}

function needsTfa(answer: z.infer<typeof TicketAnswer>): boolean {
  const flag = answer.NeedTFA;
  return (flag !== undefined && flag !== 0 && flag !== false && flag !== '0') || answer.ticket.includes('!tfa!');
}

/** The kinds of second factor named in a TFA challenge ticket (`PVE:!tfa!{json}:…`), best effort. */
function tfaTypes(ticket: string): string[] {
  const m = /!tfa!([^:]*)/.exec(ticket);
  if (!m?.[1]) return [];
  try {
    const challenge = JSON.parse(decodeURIComponent(m[1])) as unknown;
    if (typeof challenge !== 'object' || challenge === null) return [];
    return Object.entries(challenge)
      .filter(([, v]) => v !== false && v !== null && v !== undefined)
      .map(([k]) => k);
  } catch {
    return [];
  }
}

/** The user of a ticket (`PVE:root@pam:66A1B2C3::…`). */
function ticketUser(ticket: string): string | undefined {
  const user = ticket.split(':')[1];
  return user && user.includes('@') ? user : undefined;
}

/** When a ticket was issued (the hex timestamp after the user), in milliseconds. */
function ticketTime(ticket: string): number | undefined {
  const hex = ticket.split(':')[2];
  return hex && /^[0-9A-F]{8,}$/i.test(hex) ? parseInt(hex, 16) * 1000 : undefined;
}
