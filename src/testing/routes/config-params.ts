/**
 * The config keys of VMs and containers that create and config updates accept, with their
 * types, written by hand after Proxmox's documentation (names, types, ranges and enums).
 * Property strings (`net0`, `scsi0`, …) are checked as strings; PVE parses them further.
 *
 * @module
 * @internal
 */
import { p, type ParamShape } from '../params.js';
import type { Release } from '../router.js';

const s = () => p.string().opt;
const b = () => p.bool().opt;

const QEMU_OSTYPES = ['other', 'wxp', 'w2k', 'w2k3', 'w2k8', 'wvista', 'win7', 'win8', 'win10', 'win11', 'l24', 'l26', 'solaris'];
const KEYBOARDS = ['de', 'de-ch', 'da', 'en-gb', 'en-us', 'es', 'fi', 'fr', 'fr-be', 'fr-ca', 'fr-ch', 'hu', 'is', 'it', 'ja', 'lt', 'mk', 'nl', 'no', 'pl', 'pt', 'pt-br', 'sv', 'sl', 'tr'];

/** The keys of a VM config (create and update share them). */
export function qemuConfigShape(release: Release): ParamShape {
  const shape: Record<string, ParamShape[string]> = {
    acpi: b(), affinity: s(), agent: s(), arch: p.enum(['x86_64', 'aarch64']).opt, args: s(), audio0: s(),
    autostart: b(), balloon: p.int(0).opt, bios: p.enum(['seabios', 'ovmf']).opt, boot: s(),
    bootdisk: p.string({ pattern: /(ide|sata|scsi|virtio)\d+/ }).opt, cdrom: s(), cicustom: s(), cipassword: s(),
    citype: p.enum(['configdrive2', 'nocloud', 'opennebula']).opt, ciuser: s(), cores: p.int(1).opt, cpu: s(),
    cpulimit: p.number(0, 128).opt, cpuunits: p.int(1, 262144).opt, description: p.string({ maxLength: 8192 }).opt,
    efidisk0: s(), freeze: b(), hookscript: p.volumeId().opt, 'hostpci[n]': s(), hotplug: s(),
    hugepages: p.enum(['any', '2', '1024']).opt, 'ide[n]': s(), 'ipconfig[n]': s(), ivshmem: s(),
    keephugepages: b(), keyboard: p.enum(KEYBOARDS).opt, kvm: b(), localtime: b(),
    lock: p.enum(['backup', 'clone', 'create', 'migrate', 'rollback', 'snapshot', 'snapshot-delete', 'suspending', 'suspended']).opt,
    machine: s(), memory: release === '7.4' ? p.int(16).opt : p.string({ pattern: /(current=)?\d+/ }).opt,
    migrate_downtime: p.number(0).opt, migrate_speed: p.int(0).opt, name: p.dnsName().opt, nameserver: s(),
    'net[n]': s(), numa: b(), 'numa[n]': s(), onboot: b(), ostype: p.enum(QEMU_OSTYPES).opt,
    'parallel[n]': p.string({ pattern: /\/dev\/parport\d+|\/dev\/usb\/lp\d+/ }).opt, protection: b(), reboot: b(),
    rng0: s(), 'sata[n]': s(), 'scsi[n]': s(),
    scsihw: p.enum(['lsi', 'lsi53c810', 'virtio-scsi-pci', 'virtio-scsi-single', 'megasas', 'pvscsi']).opt,
    searchdomain: s(), 'serial[n]': p.string({ pattern: /(\/dev\/.+|socket)/ }).opt, shares: p.int(0, 50000).opt,
    smbios1: p.string({ maxLength: 512 }).opt, smp: p.int(1).opt, sockets: p.int(1).opt, spice_enhancements: s(),
    sshkeys: p.urlencoded().opt, startdate: p.string({ pattern: /(now|\d{4}-\d{1,2}-\d{1,2}(T\d{1,2}:\d{1,2}:\d{1,2})?)/ }).opt,
    startup: s(), tablet: b(), tags: p.tags().opt, tdf: b(), template: b(), tpmstate0: s(), 'unused[n]': s(),
    'usb[n]': s(), vcpus: p.int(1).opt, vga: s(), 'virtio[n]': s(),
    vmgenid: p.string({ pattern: /(?:[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}|[01])/ }).opt,
    vmstatestorage: p.storage().opt, watchdog: s(),
  };
  if (release !== '7.4') {
    Object.assign(shape, { 'amd-sev': s(), ciupgrade: b(), 'virtiofs[n]': s() });
  }
  if (release === '9.1') Object.assign(shape, { 'allow-ksm': b(), 'intel-tdx': s() });
  return shape;
}

/** The keys of a container config. */
export function lxcConfigShape(release: Release): ParamShape {
  const shape: Record<string, ParamShape[string]> = {
    arch: p.enum(['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64']).opt,
    cmode: p.enum(['shell', 'console', 'tty']).opt, console: b(), cores: p.int(1, 8192).opt,
    cpulimit: p.number(0, 8192).opt, cpuunits: p.int(0, 500000).opt, debug: b(), description: p.string({ maxLength: 8192 }).opt,
    features: s(), hookscript: p.volumeId().opt, hostname: p.dnsName().opt,
    lock: p.enum(['backup', 'create', 'destroyed', 'disk', 'fstrim', 'migrate', 'mounted', 'rollback', 'snapshot', 'snapshot-delete']).opt,
    memory: p.int(16).opt, 'mp[n]': s(), nameserver: s(), 'net[n]': s(), onboot: b(),
    ostype: p.enum(['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged']).opt,
    protection: b(), rootfs: s(), searchdomain: s(), startup: s(), swap: p.int(0).opt, tags: p.tags().opt,
    template: b(), timezone: s(), tty: p.int(0, 6).opt, unprivileged: b(), 'unused[n]': s(),
  };
  if (release !== '7.4') shape['dev[n]'] = s();
  if (release === '9.1') Object.assign(shape, { entrypoint: s(), env: s() });
  return shape;
}

/** Extra parameters of `POST /nodes/{node}/qemu`. */
export function qemuCreateExtras(release: Release): ParamShape {
  const extra: Record<string, ParamShape[string]> = {
    archive: p.string({ maxLength: 255 }).opt, bwlimit: p.int(0).opt, force: b(), 'live-restore': b(),
    pool: p.poolid().opt, start: b(), storage: p.storage().opt, unique: b(),
  };
  if (release !== '7.4') extra['import-working-storage'] = p.storage().opt;
  if (release === '9.1') extra['ha-managed'] = b();
  return extra;
}

/** Extra parameters of `POST /nodes/{node}/lxc`. */
export function lxcCreateExtras(release: Release): ParamShape {
  const extra: Record<string, ParamShape[string]> = {
    ostemplate: p.string({ maxLength: 255 }).req, bwlimit: p.number(0).opt, force: b(), 'ignore-unpack-errors': b(),
    password: s(), pool: p.poolid().opt, restore: b(), 'ssh-public-keys': s(), start: b(),
    storage: p.storage().opt, unique: b(),
  };
  if (release === '9.1') extra['ha-managed'] = b();
  return extra;
}

/** Extra parameters of a config update (`PUT`/`POST …/config`). */
export function configUpdateExtras(type: 'qemu' | 'lxc'): ParamShape {
  const extra: Record<string, ParamShape[string]> = {
    delete: p.string().opt, digest: p.digest().opt, revert: p.string().opt,
  };
  if (type === 'qemu') Object.assign(extra, { force: b(), skiplock: b() });
  return extra;
}
