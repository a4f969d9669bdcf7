/**
 * Parsing of UPIDs, the identifiers Proxmox VE and Proxmox Backup Server give their worker tasks.
 *
 * @module
 */

/**
 * The parts of a UPID.
 *
 * Proxmox VE: `UPID:node:pid:pstart:starttime:type:id:user:` (hex numbers; `pstart` can be wider
 * than 8 digits on a host up longer than about 497 days).
 * Proxmox Backup Server: `UPID:node:pid:pstart:taskid:starttime:type:id:authid:`, where `id` is
 * systemd-escaped (`-` stands for `/`, `\x2d` for `-`, `\x3a` for `:`); {@link UpidInfo.id} is the
 * decoded id and {@link UpidInfo.rawId} the text as it appears in the UPID.
 *
 * @example
 * ```ts
 * const info: UpidInfo = parseUpid('UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:');
 * info.type; // 'qmstart'
 * ```
 */
export interface UpidInfo {
  /** The UPID itself. */
  upid: string;
  /** Which product made it: PBS UPIDs carry a task id after `pstart`. */
  product: 'pve' | 'pbs';
  /** The node the task runs on. */
  node: string;
  /** The process id of the worker. */
  pid: number;
  /** The start time of the worker process, in clock ticks since boot (from `/proc/PID/stat`). */
  pstart: number;
  /** PBS only: the server's task counter. */
  taskId?: number;
  /** When the task started (the server's clock). */
  startTime: Date;
  /** The task type (`qmstart`, `vzdump`, `backup`, `garbage_collection`, …). */
  type: string;
  /** What the task works on (`100`, a storage, a datastore, …); may be empty. Decoded on PBS. */
  id: string;
  /** The id exactly as written in the UPID (systemd-escaped on PBS; the same as `id` on PVE). */
  rawId: string;
  /** The user or API token that started the task (`root@pam`, `root@pam!automation`). */
  user: string;
}

const NODE = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const TAIL = '([^:\\s]+):([^:\\s]*):([^:\\s]+):$';
// Proxmox writes pid, starttime and the PBS task id with `%08X`; pstart grows past 8 digits after
// ~497 days of uptime (Proxmox itself reads 8–9; wider is accepted here, it is just a number).
const PVE_UPID = new RegExp(`^UPID:(${NODE}):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,16}):([0-9A-Fa-f]{8}):${TAIL}`);
const PBS_UPID = new RegExp(
  `^UPID:(${NODE}):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,16}):([0-9A-Fa-f]{8,16}):([0-9A-Fa-f]{8}):${TAIL}`,
);

/**
 * Reads a Proxmox VE or Proxmox Backup Server UPID into its parts.
 *
 * @param upid - The UPID, as a task-starting call returned it.
 * @returns Its parts: node, pid, pstart, start time, type, id, user (and the task id on PBS).
 * @throws TypeError naming the UPID when it is not a string in either product's format.
 * @example
 * ```ts
 * parseUpid('UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:');
 * // { product: 'pve', node: 'pve1', pid: 662316, type: 'qmstart', id: '100', user: 'root@pam', startTime: 2024-03-13T…, … }
 * parseUpid('UPID:pbs1:000003A9:00000CC9:00000002:65F1A2B3:garbage_collection:store1:root@pam:').product; // 'pbs'
 * ```
 */
export function parseUpid(upid: string): UpidInfo {
  if (typeof upid !== 'string') {
    throw new TypeError(`invalid UPID: expected a string, got ${upid === null ? 'null' : typeof upid}`);
  }
  const pve = PVE_UPID.exec(upid);
  if (pve) {
    const g = (i: number): string => pve[i] ?? '';
    return {
      upid,
      product: 'pve',
      node: g(1),
      pid: hex(g(2)),
      pstart: hex(g(3)),
      startTime: new Date(hex(g(4)) * 1000),
      type: g(5),
      id: g(6),
      rawId: g(6),
      user: g(7),
    };
  }
  const pbs = PBS_UPID.exec(upid);
  if (pbs) {
    const g = (i: number): string => pbs[i] ?? '';
    const id = unescapeWorkerId(g(7));
    if (id === undefined) {
      throw new TypeError(`invalid UPID ${JSON.stringify(upid)}: its worker id ${JSON.stringify(g(7))} is not validly escaped`);
    }
    return {
      upid,
      product: 'pbs',
      node: g(1),
      pid: hex(g(2)),
      pstart: hex(g(3)),
      taskId: hex(g(4)),
      startTime: new Date(hex(g(5)) * 1000),
      type: g(6),
      id,
      rawId: g(7),
      user: g(8),
    };
  }
  throw new TypeError(
    `invalid UPID ${JSON.stringify(upid)}: expected UPID:node:pid:pstart:starttime:type:id:user: (PVE) ` +
      'or UPID:node:pid:pstart:taskid:starttime:type:id:user: (PBS)',
  );
}

/**
 * Tells whether a value is a UPID of Proxmox VE or Proxmox Backup Server.
 *
 * @param value - Anything, e.g. the `data` a call answered.
 * @returns `true` when {@link parseUpid} would accept it.
 * @example
 * ```ts
 * const data: unknown = await api.post(path`/nodes/${'pve1'}/qemu/${100}/status/start`);
 * if (isUpid(data)) await new Task(api, data).wait();
 * ```
 */
export function isUpid(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseUpid(value);
    return true;
  } catch {
    return false;
  }
}

function hex(digits: string): number {
  return Number.parseInt(digits, 16);
}

/**
 * Reverses systemd's unit-name escaping, which PBS applies to worker ids: `-` stands for `/` and
 * `\xHH` for a byte. Returns `undefined` for a broken escape or bytes that are not UTF-8.
 */
function unescapeWorkerId(text: string): string | undefined {
  if (!text.includes('\\') && !text.includes('-')) return text;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; ) {
    const c = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(c);
    if (ch === '-') {
      bytes.push(0x2f);
      i += 1;
    } else if (ch === '\\') {
      const m = /^x([0-9A-Fa-f]{2})/.exec(text.slice(i + 1, i + 4));
      if (!m?.[1]) return undefined;
      bytes.push(Number.parseInt(m[1], 16));
      i += 4;
    } else {
      bytes.push(...encoder.encode(ch));
      i += ch.length;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
