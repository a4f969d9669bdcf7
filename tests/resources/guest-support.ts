/**
 * Helpers of the guest and firewall unit tests: UPIDs, and the two guest kinds described once so
 * that shared behaviour is tested for both.
 */
import { Container, VM, type Guest, type GuestOptionTypes, type ProxmoxAPI } from '../../src/index.js';

/** A PVE UPID of a task of `type` on `id`. */
export function upid(type: string, id: string | number = 100, node = 'pve1'): string {
  return `UPID:${node}:000A1B2C:0123ABCD:65F1A2B3:${type}:${id}:root@pam:`;
}

/** What a test needs to know about a guest kind. */
export interface KindCase {
  name: 'VM' | 'Container';
  type: 'qemu' | 'lxc';
  prefix: 'qm' | 'vz';
  /** A guest id that exists in the tests. */
  vmid: number;
  /** A disk name of this kind, and one of the other kind. */
  disk: string;
  otherDisk: string;
  make(api: ProxmoxAPI, node?: string, vmid?: number): Guest<GuestOptionTypes>;
  list: typeof VM.list;
  create: typeof VM.create;
}

export const KINDS: readonly KindCase[] = [
  {
    name: 'VM', type: 'qemu', prefix: 'qm', vmid: 100, disk: 'scsi0', otherDisk: 'rootfs',
    make: (api, node = 'pve1', vmid = 100) => new VM(api, node, vmid),
    list: (...a) => VM.list(...a), create: (...a) => VM.create(...a),
  },
  {
    name: 'Container', type: 'lxc', prefix: 'vz', vmid: 200, disk: 'rootfs', otherDisk: 'scsi0',
    make: (api, node = 'pve1', vmid = 200) => new Container(api, node, vmid),
    list: (...a) => Container.list(...a), create: (...a) => Container.create(...a),
  },
];
