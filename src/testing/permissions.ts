/**
 * A small model of PVE's permission checks, enough for scripts to meet a 403: a user's (or
 * token's) privileges come from the ACL entries on `/` for it and its groups; `root@pam` has
 * every privilege. Reads are open to any authenticated user; each write needs the privilege PVE
 * asks for on that path (`Permission check failed (/vms/100, VM.PowerMgmt)`).
 *
 * @module
 * @internal
 */
import { HttpError } from './http-error.js';
import type { SimState } from './state.js';

/** The ACL path and privilege a write needs, by the request's method and path. */
export function requiredPrivilege(method: string, path: string, params: Readonly<Record<string, unknown>>): [string, string] | undefined {
  if (method === 'GET') return undefined;
  let m = /^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)(?:\/(.*))?$/.exec(path);
  if (m) {
    const vm = `/vms/${m[3] ?? ''}`;
    const rest = m[4] ?? '';
    if (rest === '') return [vm, 'VM.Allocate'];
    if (rest.startsWith('status/')) return [vm, 'VM.PowerMgmt'];
    if (rest.startsWith('snapshot')) return [vm, rest.endsWith('/rollback') ? 'VM.Snapshot.Rollback' : 'VM.Snapshot'];
    if (rest === 'clone') return [vm, 'VM.Clone'];
    if (rest === 'migrate') return [vm, 'VM.Migrate'];
    if (rest === 'resize' || rest === 'move_disk' || rest === 'move_volume') return [vm, 'VM.Config.Disk'];
    if (rest === 'template' || rest === 'config') return [vm, rest === 'template' ? 'VM.Allocate' : 'VM.Config.Options'];
    if (rest.startsWith('firewall')) return [vm, 'VM.Config.Network'];
    if (rest === 'vncproxy' || rest === 'spiceproxy' || rest === 'monitor') return [vm, 'VM.Console'];
    return [vm, 'VM.Allocate'];
  }
  m = /^\/nodes\/([^/]+)\/(qemu|lxc)$/.exec(path);
  if (m) return [`/vms/${String(params.vmid ?? '')}`, 'VM.Allocate'];
  m = /^\/nodes\/([^/]+)\/storage\/([^/]+)/.exec(path);
  if (m) return [`/storage/${m[2] ?? ''}`, 'Datastore.Allocate'];
  m = /^\/nodes\/([^/]+)/.exec(path);
  if (m) return [`/nodes/${m[1] ?? ''}`, 'Sys.Modify'];
  if (path.startsWith('/storage')) return ['/storage', 'Datastore.Allocate'];
  if (path.startsWith('/pools')) return [`/pool/${String(params.poolid ?? path.split('/')[2] ?? '')}`, 'Pool.Allocate'];
  if (path.startsWith('/access')) return ['/access', 'User.Modify'];
  return ['/', 'Sys.Modify'];
}

/** The privileges of a user or token (`user@realm!token`), from the ACL on `/`. */
export function privileges(state: SimState, auth: string): Set<string> | 'all' {
  const [userid = '', tokenName] = auth.split('!');
  if (userid === 'root@pam') return 'all';
  const user = state.users.get(userid);
  const token = tokenName !== undefined ? user?.tokens?.find((t) => t.tokenid === tokenName) : undefined;
  const privsep = token !== undefined && Number(token.privsep ?? 1) === 1;
  const groups = new Set(user?.groups ?? []);
  const out = new Set<string>();
  for (const a of state.acl) {
    const applies = privsep
      ? a.type === 'token' && a.ugid === auth
      : (a.type === 'user' && a.ugid === userid) || (a.type === 'group' && groups.has(a.ugid));
    if (!applies) continue;
    for (const p of (state.roles.get(a.roleid)?.privs ?? '').split(',').filter(Boolean)) out.add(p);
  }
  return out;
}

/** Throws PVE's 403 when the authenticated user or token lacks the privilege a write needs. */
export function checkPermission(state: SimState, auth: string, method: string, path: string, params: Readonly<Record<string, unknown>>): void {
  const need = requiredPrivilege(method, path, params);
  if (!need) return;
  const privs = privileges(state, auth);
  if (privs === 'all' || privs.has(need[1])) return;
  throw new HttpError(403, `Permission check failed (${need[0]}, ${need[1]})`);
}
