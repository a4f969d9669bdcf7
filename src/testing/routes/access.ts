/**
 * `/access/ticket` (login, renewal, TFA) and the user, group, role and realm listings.
 *
 * @module
 * @internal
 */
import { HttpError } from '../http-error.js';
import { p } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import { bool, reqStr, str } from './common.js';

const FULL_CAP = {
  vms: { 'VM.Allocate': 1, 'VM.Audit': 1, 'VM.Backup': 1, 'VM.Clone': 1, 'VM.Config.Disk': 1, 'VM.Console': 1, 'VM.Migrate': 1, 'VM.PowerMgmt': 1, 'VM.Snapshot': 1, 'VM.Snapshot.Rollback': 1 },
  storage: { 'Datastore.Allocate': 1, 'Datastore.AllocateSpace': 1, 'Datastore.AllocateTemplate': 1, 'Datastore.Audit': 1 },
  access: { 'Group.Allocate': 1, 'Permissions.Modify': 1, 'User.Modify': 1 },
  nodes: { 'Sys.Audit': 1, 'Sys.Console': 1, 'Sys.Modify': 1, 'Sys.PowerMgmt': 1, 'Sys.Syslog': 1 },
  dc: { 'Sys.Audit': 1, 'Sys.Modify': 1 },
  sdn: { 'SDN.Allocate': 1, 'SDN.Audit': 1, 'SDN.Use': 1 },
  mapping: { 'Mapping.Audit': 1, 'Mapping.Modify': 1, 'Mapping.Use': 1 },
};

function authFailure(): HttpError {
  return new HttpError(401, 'authentication failure');
}

function login(ctx: RouteContext): Record<string, unknown> {
  const { auth, state } = ctx.sim;
  const realm = str(ctx, 'realm');
  let userid = reqStr(ctx, 'username');
  if (realm !== undefined && !userid.includes('@')) userid = `${userid}@${realm}`;
  const password = reqStr(ctx, 'password');
  const user = state.users.get(userid);
  if (!user || Number(user.enable ?? 1) === 0) throw authFailure();

  const full = () => ({
    username: userid,
    ticket: auth.ticket(userid),
    CSRFPreventionToken: auth.csrf(userid),
    clustername: state.clusterName,
    cap: FULL_CAP,
  });

  const challenge = str(ctx, 'tfa-challenge');
  if (challenge !== undefined) {
    const t = auth.verifyTicket(challenge);
    if (!t || !t.tfa || t.userid !== userid) throw authFailure();
    const m = /^totp:(\d{6})$/.exec(password);
    if (!m || user.totp === undefined || m[1] !== user.totp) throw authFailure();
    return full();
  }
  if (!auth.checkPassword(userid, password)) throw authFailure();
  if (str(ctx, 'path') !== undefined && str(ctx, 'privs') !== undefined) return { username: userid };
  const renewal = password.startsWith('PVE:');
  if (user.totp !== undefined && !renewal) {
    const otp = str(ctx, 'otp');
    if (otp !== undefined) {
      if (otp !== user.totp) throw authFailure();
      return full();
    }
    return { username: userid, ticket: auth.ticket(userid, true), CSRFPreventionToken: auth.csrf(userid), NeedTFA: 1 };
  }
  return full();
}

function userEntry(ctx: RouteContext, userid: string, full: boolean): Record<string, unknown> {
  const u = ctx.sim.state.users.get(userid);
  const out: Record<string, unknown> = { userid, enable: Number(u?.enable ?? 1), expire: Number(u?.expire ?? 0) };
  for (const k of ['comment', 'email', 'firstname', 'lastname'] as const) if (u?.[k] !== undefined) out[k] = u[k];
  if (u?.groups?.length) out.groups = u.groups.join(',');
  out['realm-type'] = userid.split('@')[1] === 'pam' ? 'pam' : 'pve';
  if (u?.totp !== undefined) out['totp-locked'] = 0;
  if (full) out.tokens = (u?.tokens ?? []).map((t) => ({ tokenid: t.tokenid, comment: t.comment ?? '', privsep: t.privsep ?? 1, expire: t.expire ?? 0 }));
  return out;
}

/** The routes of this module. */
export const accessRoutes: Route[] = [
  {
    method: 'POST', path: '/access/ticket',
    params: {
      username: p.string({ maxLength: 64 }).req, password: p.string().req, realm: p.realm().opt,
      otp: p.string().opt, 'tfa-challenge': p.string().opt, 'new-format': p.bool().opt,
      path: p.string({ maxLength: 64 }).opt, privs: p.string({ maxLength: 64 }).opt,
    },
    handler: login,
  },
  { method: 'GET', path: '/access/ticket', params: {}, handler: () => null },
  {
    method: 'GET', path: '/access/domains', params: {},
    handler: () => [
      { realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' },
      { realm: 'pve', type: 'pve', comment: 'Proxmox VE authentication server', default: 1 },
    ],
  },
  {
    method: 'GET', path: '/access/users', params: { enabled: p.bool().opt, full: p.bool().opt },
    handler: (ctx) => {
      const onlyEnabled = ctx.params.enabled;
      return [...ctx.sim.state.users.keys()]
        .map((id) => userEntry(ctx, id, bool(ctx, 'full')))
        .filter((u) => onlyEnabled === undefined || (u.enable === 1) === onlyEnabled);
    },
  },
  {
    method: 'GET', path: '/access/users/{userid}', params: { userid: p.userid().req },
    handler: (ctx) => {
      const id = reqStr(ctx, 'userid');
      if (!ctx.sim.state.users.has(id)) throw new HttpError(500, `no such user ('${id}')`);
      const e = userEntry(ctx, id, false);
      delete e.userid;
      const u = ctx.sim.state.users.get(id);
      e.groups = u?.groups ?? [];
      e.tokens = Object.fromEntries((u?.tokens ?? []).map((t) => [t.tokenid, { comment: t.comment ?? '', privsep: t.privsep ?? 1, expire: t.expire ?? 0 }]));
      return e;
    },
  },
  {
    method: 'GET', path: '/access/groups', params: {},
    handler: (ctx) => [...ctx.sim.state.groups].map(([groupid, g]) => {
      const users = [...ctx.sim.state.users.values()].filter((u) => u.groups?.includes(groupid)).map((u) => u.userid);
      const out: Record<string, unknown> = { groupid, users: users.join(',') };
      if (g.comment !== undefined) out.comment = g.comment;
      return out;
    }),
  },
  {
    method: 'GET', path: '/access/roles', params: {},
    handler: (ctx) => [...ctx.sim.state.roles].map(([roleid, r]) => ({ roleid, privs: r.privs, special: r.special })),
  },
  {
    method: 'GET', path: '/access/acl', params: {},
    handler: (ctx) => ctx.sim.state.acl.map((a) => ({ ...a, propagate: a.propagate ?? 1 })),
  },
];
