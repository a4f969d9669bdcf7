/**
 * Authentication as pveproxy does it: tickets (`PVE:user:HEXTIME::signature`) valid for two hours
 * of simulator time, CSRF prevention tokens for non-GET ticket requests, API tokens in the
 * `Authorization: PVEAPIToken=user@realm!id=secret` header, and the TFA half-ticket.
 *
 * @module
 * @internal
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-error.js';
import type { SimState } from './state.js';

/** Ticket lifetime (PVE: two hours). */
export const TICKET_LIFETIME_S = 7200;
/** How far in the future a ticket's time may be (clock skew allowance, as PVE). */
const MAX_FUTURE_S = 300;

/** Who a request is authenticated as. */
export interface AuthInfo {
  /** The user id, or `user@realm!token` for an API token. */
  userid: string;
  /** `ticket` or `token`. */
  via: 'ticket' | 'token';
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

/** Issues and verifies tickets, CSRF tokens and API tokens for one simulator. */
export class Auth {
  private key = randomBytes(32);

  constructor(
    private readonly state: SimState,
    private readonly seconds: () => number,
  ) {}

  /** Rotates the signing key: every ticket and CSRF token issued so far is invalid. */
  expireAll(): void {
    this.key = randomBytes(32);
  }

  private sign(data: string): string {
    return b64(createHmac('sha256', this.key).update(data).digest());
  }

  private safeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  /** A full ticket for `userid`, or a TFA half-ticket (`PVE:!tfa!…`). */
  ticket(userid: string, tfa = false): string {
    const ts = this.seconds().toString(16).toUpperCase().padStart(8, '0');
    const who = tfa ? `!tfa!${encodeURIComponent(JSON.stringify({ totp: true }))}` : userid;
    const data = `PVE:${tfa ? `${userid}${who}` : who}:${ts}`;
    return `${data}::${this.sign(data)}`;
  }

  /** A CSRF prevention token bound to `userid`. */
  csrf(userid: string): string {
    const ts = this.seconds().toString(16).toUpperCase().padStart(8, '0');
    return `${ts}:${this.sign(`${ts}:${userid}`)}`;
  }

  /** Verifies a ticket; returns its user and whether it is a TFA half-ticket, or undefined. */
  verifyTicket(ticket: string): { userid: string; tfa: boolean } | undefined {
    const m = /^(PVE:(.+):([0-9A-F]{8}))::([A-Za-z0-9+/]+)$/.exec(ticket);
    if (!m) return undefined;
    const [, data = '', who = '', ts = '', sig = ''] = m;
    if (!this.safeEqual(sig, this.sign(data))) return undefined;
    const age = this.seconds() - parseInt(ts, 16);
    if (age < -MAX_FUTURE_S || age > TICKET_LIFETIME_S) return undefined;
    const tfaAt = who.indexOf('!tfa!');
    if (tfaAt >= 0) return { userid: who.slice(0, tfaAt), tfa: true };
    return { userid: who, tfa: false };
  }

  /** Verifies a CSRF token for `userid`. */
  verifyCsrf(userid: string, token: string | undefined): boolean {
    if (!token) return false;
    const m = /^([0-9A-F]{8}):(\S+)$/.exec(token);
    if (!m) return false;
    const [, ts = '', sig = ''] = m;
    const age = this.seconds() - parseInt(ts, 16);
    if (age < -MAX_FUTURE_S || age > TICKET_LIFETIME_S) return false;
    return this.safeEqual(sig, this.sign(`${ts}:${userid}`));
  }

  /** Checks that a user exists and is enabled, as PVE's `check_user_enabled`. */
  private checkUser(userid: string): void {
    const user = this.state.users.get(userid);
    if (!user) throw new HttpError(401, `no such user ('${userid}')`);
    if (Number(user.enable ?? 1) === 0) throw new HttpError(401, `user '${userid}' is disabled`);
    const expire = Number(user.expire ?? 0);
    if (expire > 0 && expire < this.seconds()) throw new HttpError(401, `account expired`);
  }

  /** Verifies `PVEAPIToken` header value `user@realm!name=secret`; returns the token id. */
  verifyToken(value: string): string {
    const eq = value.indexOf('=');
    if (eq < 0) throw new HttpError(401, 'no tokenid specified');
    const tokenid = value.slice(0, eq);
    const secret = value.slice(eq + 1);
    const bang = tokenid.indexOf('!');
    if (bang < 0) throw new HttpError(401, `invalid token ID '${tokenid}'`);
    const userid = tokenid.slice(0, bang);
    const name = tokenid.slice(bang + 1);
    this.checkUser(userid);
    const token = this.state.users.get(userid)?.tokens?.find((t) => t.tokenid === name);
    if (!token) throw new HttpError(401, `no such token '${name}' for user '${userid}'`);
    if (token.expire && token.expire < this.seconds()) throw new HttpError(401, 'token expired');
    if (!this.safeEqual(secret, token.secret)) throw new HttpError(401, 'invalid token value!');
    return tokenid;
  }

  /**
   * Authenticates a request from its headers as pveproxy's auth handler does.
   *
   * @throws HttpError 401 with PVE's reason.
   */
  authenticate(method: string, headers: Record<string, string | string[] | undefined>): AuthInfo {
    const cookieHeader = headers.cookie;
    const cookies = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : (cookieHeader ?? '');
    const authz = typeof headers.authorization === 'string' ? headers.authorization : '';
    let ticket = extract(cookies, 'PVEAuthCookie') ?? extract(authz, 'PVEAuthCookie');
    if (ticket !== undefined) ticket = safeDecode(ticket);
    const apiToken = ticket === undefined ? extract(authz, 'PVEAPIToken') : undefined;
    if (apiToken !== undefined) return { userid: this.verifyToken(apiToken.trim()), via: 'token' };
    if (ticket === undefined || ticket === '') throw new HttpError(401, 'No ticket');
    const t = this.verifyTicket(ticket);
    if (!t) throw new HttpError(401, 'permission denied - invalid PVE ticket');
    if (t.tfa) throw new HttpError(401, 'No ticket');
    this.checkUser(t.userid);
    if (method !== 'GET') {
      const csrf = headers.csrfpreventiontoken;
      if (!this.verifyCsrf(t.userid, typeof csrf === 'string' ? csrf : undefined)) {
        throw new HttpError(401, 'Permission denied - invalid csrf token');
      }
    }
    return { userid: t.userid, via: 'ticket' };
  }

  /** The password check of `POST /access/ticket`, including renewal with a ticket as password. */
  checkPassword(userid: string, password: string): boolean {
    if (password.startsWith('PVE:')) {
      const t = this.verifyTicket(password);
      return t !== undefined && !t.tfa && t.userid === userid;
    }
    const user = this.state.users.get(userid);
    return user?.password !== undefined && this.safeEqual(password, user.password);
  }
}

function extract(header: string, name: string): string | undefined {
  // PVE: /(?:^|\s)NAME(?:=|:)([^;]*)/ (cookies are also split on ';')
  const m = new RegExp(`(?:^|\\s|;)${name}(?:=|:)([^;]*)`).exec(header);
  return m ? (m[1] ?? '').trim() : undefined;
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
