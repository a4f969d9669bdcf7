/**
 * Consoles and the monitor: VNC proxy tickets (with their `vncproxy` worker), SPICE proxy
 * configs, and QEMU human-monitor commands.
 *
 * @module
 * @internal
 */
import { serverError } from '../http-error.js';
import { p } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import { bool, guestParams, KINDS, reqStr, routeGuest, str, type Kind } from './common.js';

function vncproxy(kind: Kind) {
  return (ctx: RouteContext): Record<string, unknown> => {
    const g = routeGuest(ctx, kind);
    const port = 5900 + (g.vmid % 100);
    const task = ctx.sim.tasks.start({
      node: g.node, type: 'vncproxy', id: String(g.vmid), user: ctx.user,
    });
    const out: Record<string, unknown> = {
      cert: '-----BEGIN CERTIFICATE-----\nMIIB…simulator…\n-----END CERTIFICATE-----\n',
      port: String(port), ticket: `PVEVNC:${ctx.sim.clock.seconds().toString(16).toUpperCase()}::simulated-vnc-ticket`,
      upid: task.upid, user: ctx.user,
    };
    if (bool(ctx, 'generate-password')) out.password = 'sImVnCpW';
    return out;
  };
}

function spiceproxy(kind: Kind) {
  return (ctx: RouteContext): Record<string, unknown> => {
    const g = routeGuest(ctx, kind);
    if (g.status !== 'running') throw serverError(`${kind.word} ${g.vmid} not running`);
    const proxy = str(ctx, 'proxy') ?? ctx.sim.state.nodes.get(g.node)?.ip ?? g.node;
    return {
      type: 'spice', title: `VM ${g.vmid}`, host: `pvespiceproxy:${ctx.sim.clock.seconds().toString(16)}:${g.vmid}:${g.node}::simulated`,
      proxy: `http://${proxy}:3128`, 'tls-port': 61000, password: 'sImSpIcE', 'delete-this-file': 1,
      'secure-attention': 'Ctrl+Alt+Ins', 'release-cursor': 'Ctrl+Alt+R', 'toggle-fullscreen': 'Shift+F11',
      'host-subject': 'OU=PVE Cluster Node,O=Proxmox Virtual Environment,CN=localhost', ca: '-----BEGIN CERTIFICATE-----\\n…\\n-----END CERTIFICATE-----\\n',
    };
  };
}

function monitor(ctx: RouteContext): string {
  const g = routeGuest(ctx, KINDS[0] as Kind);
  if (g.status !== 'running') throw serverError(`VM ${g.vmid} not running`);
  const cmd = reqStr(ctx, 'command').trim();
  if (cmd === 'info status') return `VM status: ${g.qmpstatus === 'paused' ? 'paused' : 'running'}\r\n`;
  if (cmd === 'info version') return '9.0.2pve1\r\n';
  if (cmd === 'info name') return `${String(g.config.name ?? '')}\r\n`;
  if (cmd === 'info kvm') return 'kvm support: enabled\r\n';
  if (cmd === 'info uuid') return `${String(g.config.smbios1 ?? '').replace('uuid=', '')}\r\n`;
  if (cmd === 'help' || cmd === '?') return 'info [subcommand] -- show various information about the system state\r\nhelp|? [cmd] -- show the help\r\n';
  return `unknown command: '${cmd.split(/\s+/)[0] ?? cmd}'\r\n`;
}


function consoleRoutes(kind: Kind): Route[] {
  const base = `/nodes/{node}/${kind.type}/{vmid}`;
  const q = kind.type === 'qemu';
  const routes: Route[] = [
    {
      method: 'POST', path: `${base}/vncproxy`,
      params: q
        ? { ...guestParams, 'generate-password': p.bool().opt, websocket: p.bool().opt }
        : { ...guestParams, height: p.int(16, 2160).opt, websocket: p.bool().opt, width: p.int(16, 4096).opt },
      handler: vncproxy(kind),
    },
    { method: 'POST', path: `${base}/spiceproxy`, params: { ...guestParams, proxy: p.string().opt }, handler: spiceproxy(kind) },
  ];
  if (q) routes.push({ method: 'POST', path: `${base}/monitor`, params: { ...guestParams, command: p.string().req }, handler: monitor });
  return routes;
}

/** The routes of this module. */
export const consoleRoutesAll: Route[] = KINDS.flatMap(consoleRoutes);
