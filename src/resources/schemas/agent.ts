/**
 * Zod schemas of the QEMU guest agent's answers (`…/qemu/{vmid}/agent/…`) and of cloud-init's
 * pending values. Loose: unknown fields pass through, numbers and flags sent as strings are coerced.
 * Proxmox wraps most agent answers in `{ result: … }`; `GuestAgent` unwraps them.
 *
 * @module
 */
import { z } from 'zod';
import { looseBoolean, looseNumber } from './loose.js';

/** Proxmox's `{ result: … }` wrapper of an agent answer, unwrapped. @internal */
export function agentResult<T extends z.ZodType>(inner: T): z.ZodType<z.output<T>> {
  return z.looseObject({ result: inner }).transform((r) => r.result as z.output<T>);
}

/**
 * What `vm.agent.info()` returns: the agent's version and the commands it supports.
 *
 * @example
 * ```ts
 * AgentInfoSchema.parse({ version: '8.1.3', supported_commands: [{ name: 'guest-ping', enabled: true }] });
 * ```
 */
export const AgentInfoSchema = z.looseObject({
  /** The agent's version (`8.1.3`). */
  version: z.string().optional(),
  /** Every command the agent knows, with whether it is enabled. */
  supported_commands: z
    .array(z.looseObject({ name: z.string(), enabled: looseBoolean.optional(), 'success-response': looseBoolean.optional() }))
    .default([]),
});

/**
 * The agent's version and commands.
 *
 * @example
 * ```ts
 * const info: AgentInfo = await vm.agent.info();
 * const canExec = info.supported_commands.some((c) => c.name === 'guest-exec' && c.enabled);
 * ```
 */
export type AgentInfo = z.infer<typeof AgentInfoSchema>;

/**
 * What `vm.agent.osInfo()` returns (the agent's `guest-get-osinfo`).
 *
 * @example
 * ```ts
 * AgentOsInfoSchema.parse({ id: 'debian', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)' });
 * ```
 */
export const AgentOsInfoSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  'pretty-name': z.string().optional(),
  version: z.string().optional(),
  'version-id': z.string().optional(),
  'kernel-release': z.string().optional(),
  'kernel-version': z.string().optional(),
  machine: z.string().optional(),
});

/**
 * The guest's operating system, as its agent reports it.
 *
 * @example
 * ```ts
 * const os: AgentOsInfo = await vm.agent.osInfo();
 * console.log(os['pretty-name']); // 'Debian GNU/Linux 12 (bookworm)'
 * ```
 */
export type AgentOsInfo = z.infer<typeof AgentOsInfoSchema>;

/**
 * One network interface of `vm.agent.networkInterfaces()` (the agent's `guest-network-get-interfaces`).
 *
 * @example
 * ```ts
 * AgentNetworkInterfaceSchema.parse({ name: 'eth0', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.0.0.5', prefix: 24 }] });
 * ```
 */
export const AgentNetworkInterfaceSchema = z.looseObject({
  name: z.string(),
  'hardware-address': z.string().optional(),
  'ip-addresses': z
    .array(z.looseObject({ 'ip-address-type': z.string(), 'ip-address': z.string(), prefix: looseNumber.optional() }))
    .optional(),
  statistics: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A network interface of the guest with its addresses.
 *
 * @example
 * ```ts
 * const ips = (await vm.agent.networkInterfaces()).flatMap((i: AgentNetworkInterface) => i['ip-addresses'] ?? []);
 * ```
 */
export type AgentNetworkInterface = z.infer<typeof AgentNetworkInterfaceSchema>;

/**
 * One mounted file system of `vm.agent.fsInfo()` (the agent's `guest-get-fsinfo`).
 *
 * @example
 * ```ts
 * AgentFsInfoSchema.parse({ name: 'sda1', mountpoint: '/', type: 'ext4', 'used-bytes': 4404019200 });
 * ```
 */
export const AgentFsInfoSchema = z.looseObject({
  name: z.string(),
  mountpoint: z.string(),
  type: z.string(),
  'total-bytes': looseNumber.optional(),
  'used-bytes': looseNumber.optional(),
  disk: z.array(z.record(z.string(), z.unknown())).optional(),
});

/**
 * A mounted file system of the guest.
 *
 * @example
 * ```ts
 * const root = (await vm.agent.fsInfo()).find((f: AgentFsInfo) => f.mountpoint === '/');
 * ```
 */
export type AgentFsInfo = z.infer<typeof AgentFsInfoSchema>;

/**
 * What `vm.agent.execStatus()` returns: whether the command has exited and, once it has, its exit
 * code and output (`out-data`, `err-data`, decoded text; `…-truncated` when the agent cut it).
 *
 * @example
 * ```ts
 * AgentExecStatusSchema.parse({ exited: 1, exitcode: 0, 'out-data': 'hello\n' }).exited; // true
 * ```
 */
export const AgentExecStatusSchema = z.looseObject({
  /** Whether the command has ended. */
  exited: looseBoolean,
  /** Its exit code, once it ended normally. */
  exitcode: looseNumber.optional(),
  /** The signal that killed it, if one did. */
  signal: looseNumber.optional(),
  /** Its standard output. */
  'out-data': z.string().optional(),
  /** Its standard error. */
  'err-data': z.string().optional(),
  /** The output was cut. */
  'out-truncated': looseBoolean.optional(),
  /** The error output was cut. */
  'err-truncated': looseBoolean.optional(),
});

/**
 * The state of a command started with `vm.agent.exec()`.
 *
 * @example
 * ```ts
 * const s: AgentExecStatus = await vm.agent.execStatus(pid);
 * if (s.exited) console.log(s.exitcode, s['out-data']);
 * ```
 */
export type AgentExecStatus = z.infer<typeof AgentExecStatusSchema>;

/**
 * What `vm.agent.fileRead()` returns: the content and whether it was cut.
 *
 * @example
 * ```ts
 * AgentFileReadSchema.parse({ content: 'pve1\n' });
 * ```
 */
export const AgentFileReadSchema = z.looseObject({
  /** The content: text, or base64 when read with `decode: false`. */
  content: z.string(),
  /** The read stopped before the end of the file (Proxmox reads at most 16 MiB at a time). */
  truncated: looseBoolean.optional(),
});

/**
 * A file read through the agent.
 *
 * @example
 * ```ts
 * const { content, truncated }: AgentFileRead = await vm.agent.fileRead('/etc/hostname');
 * ```
 */
export type AgentFileRead = z.infer<typeof AgentFileReadSchema>;

/**
 * One cloud-init value of `vm.cloudinitPending()`: `value` is what the current cloud-init drive was
 * generated from, `pending` the new value not yet in it, `delete` a removal not yet in it. The 7.4
 * schema documents these fields as `old` and `new`: they are read into `value` and `pending`.
 *
 * @example
 * ```ts
 * CloudinitPendingSchema.parse({ key: 'ciuser', value: 'debian', pending: 'admin' });
 * ```
 */
export const CloudinitPendingSchema = z
  .looseObject({
    key: z.string(),
    value: z.string().optional(),
    pending: z.string().optional(),
    delete: looseBoolean.optional(),
    old: z.string().optional(),
    new: z.string().optional(),
  })
  .transform(({ old, new: next, ...rest }) => {
    const out = { ...rest };
    if (out.value === undefined && old !== undefined) out.value = old;
    if (out.pending === undefined && next !== undefined) out.pending = next;
    return out;
  });

/**
 * A cloud-init value and its pending change, if any.
 *
 * @example
 * ```ts
 * const changes = (await vm.cloudinitPending()).filter((e: CloudinitPending) => e.pending !== undefined || e.delete);
 * ```
 */
export type CloudinitPending = z.infer<typeof CloudinitPendingSchema>;
