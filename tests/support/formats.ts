/**
 * Proxmox's named string formats (`format: 'pve-vmid'` and so on), as far as they can be checked
 * cheaply and exactly: each validator below transcribes the regular expression or rule Proxmox
 * registers for that name (pve-common `PVE/JSONSchema.pm`, pve-access-control, pve-storage,
 * qemu-server, pve-container). Formats not listed here are accepted unchecked: see
 * {@link UNCHECKED_FORMATS} for the ones we know about and deliberately leave alone.
 *
 * Test-only code: it describes Proxmox's rules, it is not generated from the schema files.
 */
import net from 'node:net';

/** A validator answers `undefined` when the value is fine, otherwise Proxmox's complaint. */
export type FormatValidator = (value: string, release: string) => string | undefined;

const IPV4 = '(?:(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])\\.){3}(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])';
const IPV4_RE = new RegExp(`^${IPV4}$`);
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
const ID_RE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i; // PVE::JSONSchema::parse_id (storage, ACME plugin)
const REALM = '[A-Za-z][A-Za-z0-9.\\-_]+';
const USER = '[^\\s:/]+';
const USERID_RE = new RegExp(`^${USER}@${REALM}$`);
const TOKENID_RE = new RegExp(`^${USER}@${REALM}!${REALM}$`);
const NAME_RE = /^[A-Za-z0-9.\-_]+$/; // groups, roles, pools (flat)
const NESTED_POOL_RE = /^[A-Za-z0-9.\-_]+(?:\/[A-Za-z0-9.\-_]+){0,2}$/; // nested pools, PVE 8.1+
const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?';
const DNS_NAME_RE = new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const EMAIL_USER = '[\\w+\\-~]+(\\.[\\w+\\-~]+)*';
const EMAIL_RE = new RegExp(`^${EMAIL_USER}@[a-zA-Z0-9\\-]+(\\.[a-zA-Z0-9\\-]+)*$`);
const EMAIL_USER_RE = new RegExp(`^${EMAIL_USER}$`);
const TAG_RE = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

const isIPv6 = (v: string): boolean => !v.includes('%') && net.isIPv6(v);
const isIP = (v: string): boolean => IPV4_RE.test(v) || isIPv6(v);

function cidr(v: string, family: 4 | 6): boolean {
  const m = /^(.+)\/(\d+)$/.exec(v);
  if (!m) return false;
  const [, addr = '', bitsText = ''] = m;
  const bits = Number(bitsText);
  return family === 4
    ? IPV4_RE.test(addr) && bits > 7 && bits <= 32
    : isIPv6(addr) && bits > 7 && bits <= 128;
}

const IPV4_MASKS = new Set(
  Array.from({ length: 33 }, (_, bits) => {
    const n = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  }),
);

const regex = (re: RegExp, message: string): FormatValidator => (v) => (re.test(v) ? undefined : message);

function startupOrder(value: string): string | undefined {
  // PVE::JSONSchema::pve_parse_startup_order
  if (!value) return 'unable to parse startup options';
  for (const p of value.split(',')) {
    if (/^\s*$/.test(p)) continue;
    if (!/^(order=)?\d+$/.test(p) && !/^up=\d+$/.test(p) && !/^down=\d+$/.test(p)) {
      return 'unable to parse startup options';
    }
  }
  return undefined;
}

function vlanIdOrRange(value: string): string | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (!m) return `invalid VLAN configuration '${value}'`;
  const start = Number(m[1]);
  const end = m[2] === undefined ? undefined : Number(m[2]);
  for (const tag of end === undefined ? [start] : [start, end]) {
    if (tag < 2 || tag > 4094) return `invalid VLAN tag '${tag}'`;
  }
  if (end !== undefined && start >= end) return `VLAN range must go from lower to higher tag '${value}'`;
  return undefined;
}

/** Storage content types a `dir` storage accepts (PVE::Storage::Plugin::verify_content). */
function storageContent(value: string, release: string): string | undefined {
  const types = ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'none'];
  if (release !== '7.4') types.push('import'); // the 'import' content type arrived with PVE 8.2
  return types.includes(value) ? undefined : `invalid content type '${value}'`;
}

/**
 * The named formats this oracle verifies, keyed by the name Proxmox registers. A `-list` or `-opt`
 * suffix in the schema (`pve-vmid-list`, `email-opt`) is handled by {@link checkNamedFormat}.
 */
export const FORMATS: Readonly<Record<string, FormatValidator>> = {
  'pve-vmid': regex(/^[1-9][0-9]{2,8}$/, 'value does not look like a valid VM ID'),
  'pve-node': regex(new RegExp(`^(${DNS_LABEL})$`), 'value does not look like a valid node name'),
  'pve-configid': regex(CONFIGID_RE, 'invalid configuration ID'),
  'pve-storage-id': regex(ID_RE, 'storage ID contains illegal characters'),
  'acme-plugin-id': regex(ID_RE, 'ACME plugin ID contains illegal characters'),
  'pve-bridge-id': regex(/^[-_.\w\d]+$/, 'invalid bridge ID'),
  'pve-poolid': (v, release) =>
    (release === '7.4' ? NAME_RE : NESTED_POOL_RE).test(v) ? undefined : `pool name '${v}' contains invalid characters`,
  'pve-groupid': regex(NAME_RE, 'group name contains invalid characters'),
  'pve-roleid': regex(NAME_RE, 'role name contains invalid characters'),
  'pve-realm': regex(new RegExp(`^${REALM}$`), 'value does not look like a valid realm'),
  'pve-userid': (v) => {
    if (v.length < 3) return `user name '${v}' is too short`;
    if (v.length > 64) return `user name '${v}' is too long (${v.length} > 64)`;
    return USERID_RE.test(v) ? undefined : `value '${v}' does not look like a valid user name`;
  },
  'pve-tokenid': regex(TOKENID_RE, 'value does not look like a valid token ID'),
  // The privilege names themselves differ by release; check their shape only.
  'pve-priv': regex(/^[A-Z][A-Za-z]*(\.[A-Z][A-Za-z0-9]*)+$/, 'invalid privilege'),
  'pve-iface': regex(/^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i, 'invalid network interface name'),
  'pve-vlan-id-or-range': vlanIdOrRange,
  'pve-volume-id': regex(/^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i, 'unable to parse volume ID'),
  'pve-storage-content': storageContent,
  'pve-tag': regex(TAG_RE, 'invalid characters in tag'),
  'pve-startup-order': startupOrder,
  'pve-task-status-type': regex(/^(ok|error|warning|unknown)$/i, 'invalid status'),
  'pve-tfa-secret': regex(
    /^(?:v2-0x[0-9a-fA-F]{16,128}|v2-[A-Z2-7=]{16,128}|[A-Z2-7=]{16}|[A-Fa-f0-9]{40})$/,
    'unable to decode TFA secret',
  ),
  urlencoded: regex(/^[-%a-zA-Z0-9_.!~*'()]*$/, 'invalid urlencoded string'),
  'mac-addr': regex(/^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i, 'value does not look like a valid unicast MAC address'),
  ipv4: (v) => (IPV4_RE.test(v) ? undefined : 'value does not look like a valid IPv4 address'),
  ipv6: (v) => (isIPv6(v) ? undefined : 'value does not look like a valid IPv6 address'),
  ip: (v) => (isIP(v) ? undefined : 'value does not look like a valid IP address'),
  ipv4mask: (v) => (IPV4_MASKS.has(v) ? undefined : 'value does not look like a valid IP netmask'),
  CIDRv4: (v) => (cidr(v, 4) ? undefined : 'value does not look like a valid IPv4 CIDR network'),
  CIDRv6: (v) => (cidr(v, 6) ? undefined : 'value does not look like a valid IPv6 CIDR network'),
  CIDR: (v) => (cidr(v, 4) || cidr(v, 6) ? undefined : 'value does not look like a valid CIDR network'),
  'pve-ipv4-config': (v) =>
    /^(?:dhcp|manual)$/.test(v) || cidr(v, 4) ? undefined : 'value does not look like a valid ipv4 network configuration',
  'pve-ipv6-config': (v) =>
    /^(?:auto|dhcp|manual)$/.test(v) || cidr(v, 6) ? undefined : 'value does not look like a valid ipv6 network configuration',
  'dns-name': regex(DNS_NAME_RE, 'value does not look like a valid DNS name'),
  address: (v) => (isIP(v) || DNS_NAME_RE.test(v) ? undefined : `value does not look like a valid address: ${v}`),
  email: regex(EMAIL_RE, 'value does not look like a valid email address'),
  'email-or-username': (v) =>
    EMAIL_RE.test(v) || EMAIL_USER_RE.test(v) ? undefined : 'value does not look like a valid email address or user name',
  'ldap-simple-attr': regex(/^[a-zA-Z0-9]+$/, 'value does not look like a simple ldap attribute name'),
  'disk-size': regex(/^\d+(\.\d+)?[KMGT]?$/, 'value does not look like a valid disk size'),
  string: () => undefined, // registered as a no-op so that 'string-list' is valid
};

/**
 * Named formats that appear in the schemas and that we accept without checking: their rules
 * depend on state (existing storages, time zones), on long grammars (calendar events, firewall
 * specs) or on hash-based definitions the schema files do not include (`pve-qm-ide`, …).
 */
export const UNCHECKED_FORMATS: readonly string[] = [
  'pve-calendar-event', 'pve-fw-addr-spec', 'pve-fw-dport-spec', 'pve-fw-sport-spec', 'pve-fw-icmp-type-spec',
  'pve-fw-protocol-spec', 'pve-fw-conntrack-helper', 'IPorCIDR', 'IPorCIDRorAlias', 'pve-ct-timezone', 'timezone',
  'pve-storage-path', 'pve-storage-server', 'pve-storage-portal-dns', 'pve-storage-vgname', 'pve-storage-options',
  'pve-storage-format', 'pve-dir-override', 'pve-replication-job-id', 'pve-ha-resource-or-vm-id', 'pve-ha-resource-id',
  'pve-ha-group-node', 'pve-ha-node', 'pve-cpuset', 'pve-hotplug-features', 'pve-command-batch', 'pve-day-of-week',
  'pve-sdn-vnet-id', 'pve-sdn-zone-id', 'pve-sdn-subnet-id', 'pve-sdn-controller-id', 'pve-sdn-ipam-id',
  'pve-sdn-dns-id', 'pve-sdn-fabric-id', 'pve-sdn-bgp-rt', 'pve-sdn-isis-net', 'pve-sdn-dhcp-range',
  'storage-pair', 'bridge-pair', 'lxc-ip-with-ll-iface', 'graphite-path', 'mac-prefix', 'pem-certificate-chain',
  'pem-string', 'realm-sync-options', 'pve-tfa-config', 'prune-backups', 'backup-performance',
  'backup-fleecing', 'proxmox-remote', 'pve-qm-boot', 'pve-qm-bootdisk', 'pve-qm-ide', 'pve-qm-cicustom',
  'pve-vm-cpu-conf', 'pve-qm-hostpci', 'pve-qm-ipconfig', 'pve-qm-smbios1', 'pve-qm-watchdog', 'pve-qm-rng',
  'pve-qemu-sev-fmt', 'pve-qemu-tdx-fmt', 'pve-lxc-mp-string', 'pve-lxc-dev-string', 'pve-acme-alias',
  'pve-acme-domain', 'pve-volume-id-or-qm-path', 'pve-volume-id-or-absolute-path', 'bwlimit', 'string-alist',
  'pve-qm-usb-device', 'pve-storage-path-in-property-string',
];

/**
 * Proxmox's `PVE::Tools::split_list`: NUL-separated if there is a NUL, otherwise split on commas,
 * semicolons and whitespace. Empty lists are allowed.
 */
export function splitList(text: string): string[] {
  const parts = text.includes('\0') ? text.split('\0') : text.replace(/[,;]/g, ' ').split(/\s+/);
  return parts.filter((s) => s !== '');
}

/** Is this named format (after removing `-list`/`-opt`) one we verify? */
export function isCheckedFormat(format: string): boolean {
  const { name } = splitFormatName(format);
  return name in FORMATS;
}

function splitFormatName(format: string): { name: string; kind: 'none' | 'list' | 'opt' } {
  // Perl: $format =~ m/^(.*?)(?:-(list|opt))?$/
  const m = /^(.*?)(?:-(list|opt))?$/.exec(format);
  const name = m?.[1] ?? format;
  const kind = m?.[2] === 'list' ? 'list' : m?.[2] === 'opt' ? 'opt' : 'none';
  return { name, kind };
}

/**
 * Check a string value against a named format the way `PVE::JSONSchema::check_format` does.
 * Returns Proxmox's complaint, or `undefined` when the value is fine or the format is not verified.
 */
export function checkNamedFormat(format: string, value: string, release: string): string | undefined {
  const { name, kind } = splitFormatName(format);
  const validate = FORMATS[name];
  if (!validate) return undefined;
  if (kind === 'list') {
    for (const item of splitList(value)) {
      const err = validate(item, release);
      if (err) return `${err} (list item '${item}')`;
    }
    return undefined;
  }
  if (kind === 'opt' && value === '') return undefined;
  return validate(value, release);
}
