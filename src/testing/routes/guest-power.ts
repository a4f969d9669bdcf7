/**
 * Power actions of VMs and containers: start, stop, shutdown, reboot, suspend, resume, and the
 * VM's reset. Each is a worker that holds the guest's lock; the state changes when it ends.
 *
 * @module
 * @internal
 */
import type { SimContext } from '../context.js';
import { guestTask } from '../guest-lock.js';
import { serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import type { GuestState } from '../state.js';
import { bool, guestParams, KINDS, routeGuest, type Kind } from './common.js';

type Action = 'start' | 'stop' | 'shutdown' | 'reboot' | 'suspend' | 'resume' | 'reset';

function setRunning(sim: SimContext, g: GuestState): void {
  g.status = 'running';
  g.qmpstatus = 'running';
  g.startedAt = sim.clock.now();
}

function setStopped(g: GuestState): void {
  g.status = 'stopped';
  g.qmpstatus = 'stopped';
  delete g.startedAt;
}

const b = () => p.bool().opt;

function actionParams(kind: Kind, action: Action, release: Release): ParamShape {
  if (kind.type === 'qemu') {
    switch (action) {
      case 'start': {
        const shape: Record<string, ParamShape[string]> = {
          ...guestParams, 'force-cpu': p.string().opt, machine: p.string().opt, migratedfrom: p.node().opt,
          migration_network: p.string().opt, migration_type: p.enum(['secure', 'insecure']).opt, skiplock: b(),
          stateuri: p.string({ maxLength: 128 }).opt, targetstorage: p.storagePairList().opt, timeout: p.int(0).opt,
        };
        if (release === '9.1') Object.assign(shape, { 'nets-host-mtu': p.string({ pattern: /net\d+=\d+(,net\d+=\d+)*/ }).opt, 'with-conntrack-state': b() });
        return shape;
      }
      case 'stop': {
        const shape: Record<string, ParamShape[string]> = { ...guestParams, keepActive: b(), migratedfrom: p.node().opt, skiplock: b(), timeout: p.int(0).opt };
        if (release !== '7.4') shape['overrule-shutdown'] = b();
        return shape;
      }
      case 'shutdown': return { ...guestParams, forceStop: b(), keepActive: b(), skiplock: b(), timeout: p.int(0).opt };
      case 'reboot': return { ...guestParams, timeout: p.int(0).opt };
      case 'suspend': return { ...guestParams, skiplock: b(), statestorage: p.storage().opt, todisk: b() };
      case 'resume': return { ...guestParams, nocheck: b(), skiplock: b() };
      case 'reset': return { ...guestParams, skiplock: b() };
    }
  }
  switch (action) {
    case 'start': return { ...guestParams, debug: b(), skiplock: b() };
    case 'stop': return release === '7.4' ? { ...guestParams, skiplock: b() } : { ...guestParams, 'overrule-shutdown': b(), skiplock: b() };
    case 'shutdown': return { ...guestParams, forceStop: b(), timeout: p.int(0).opt };
    case 'reboot': return { ...guestParams, timeout: p.int(0).opt };
    default: return guestParams;
  }
}

function notRunning(kind: Kind, g: GuestState): Error {
  return serverError(`${kind.word} ${g.vmid} not running`);
}

function handler(kind: Kind, action: Action) {
  return (ctx: RouteContext): string => {
    const g = routeGuest(ctx, kind);
    const sim = ctx.sim;
    const skiplock = bool(ctx, 'skiplock');
    const type = `${kind.prefix}${action}`;
    const isTemplate = Number(g.config.template ?? 0) === 1;
    const run = (effect: () => void, lines: string[] = []) =>
      guestTask(sim, ctx.user, g, { type, lines, effect, skiplock }).upid;

    switch (action) {
      case 'start':
        if (isTemplate) throw serverError(kind.type === 'qemu' ? "you can't start a vm if it's a template" : "you can't start a CT if it's a template");
        if (kind.type === 'lxc' && g.status === 'running') throw serverError(`CT ${g.vmid} already running`);
        return run(() => {
          if (g.status === 'running') throw new Error(`VM ${g.vmid} already running`);
          setRunning(sim, g);
        });
      case 'stop': {
        if (kind.type === 'lxc' && g.status !== 'running') throw notRunning(kind, g);
        // overrule-shutdown (8.4+): a stop aborts a running shutdown task instead of waiting for its lock.
        const holder = g.busy !== undefined ? sim.tasks.get(g.busy) : undefined;
        if (bool(ctx, 'overrule-shutdown') && holder && holder.type === `${kind.prefix}shutdown`) sim.tasks.stop(holder.upid);
        return run(() => setStopped(g));
      }
      case 'shutdown':
        if (kind.type === 'lxc' && g.status !== 'running') throw notRunning(kind, g);
        return run(() => setStopped(g));
      case 'reboot':
        if (g.status !== 'running') throw notRunning(kind, g);
        return run(() => setRunning(sim, g), kind.type === 'qemu' ? ['waiting for VM to shut down', `starting VM ${g.vmid}`] : []);
      case 'suspend':
        if (g.status !== 'running') throw notRunning(kind, g);
        return run(() => {
          if (kind.type === 'qemu' && bool(ctx, 'todisk')) setStopped(g);
          else g.qmpstatus = 'paused';
        });
      case 'resume':
        if (g.status !== 'running' && !(kind.type === 'qemu' && g.config.lock === 'suspended')) throw notRunning(kind, g);
        return run(() => {
          g.qmpstatus = 'running';
        });
      case 'reset':
        if (g.status !== 'running') throw notRunning(kind, g);
        return run(() => setRunning(sim, g));
    }
  };
}

function powerRoutes(kind: Kind): Route[] {
  const actions: Action[] = kind.type === 'qemu'
    ? ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume', 'reset']
    : ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'];
  return actions.map((action) => ({
    method: 'POST' as const,
    path: `/nodes/{node}/${kind.type}/{vmid}/status/${action}`,
    params: (r: Release) => actionParams(kind, action, r),
    handler: handler(kind, action),
  }));
}

/** The routes of this module. */
export const powerRoutesAll: Route[] = KINDS.flatMap(powerRoutes);
