/**
 * proxmox-sdk: an object-oriented TypeScript SDK for the Proxmox VE and Proxmox Backup Server REST APIs.
 *
 * @packageDocumentation
 */
export * from './core/errors.js';
export * from './core/path.js';
export type * from './core/types.js';
export { ProxmoxAPI } from './core/api.js';
export type {
  ProxmoxOptions,
  CommonOptions,
  TokenCredentials,
  PasswordCredentials,
  TicketCredentials,
  TfaChallenge,
} from './core/options.js';
export { optionsFromEnv } from './core/env.js';
export { encodeParams } from './core/encode.js';
export { VersionInfoSchema, atLeast, releaseOf, type VersionInfo } from './core/version.js';
export type { Method } from './core/http.js';
export * from './tasks/index.js';
export { Cluster, type ClusterResourceType } from './resources/cluster.js';
export { Node, type NodeTaskFilter, type NodeStorageFilter, type ServiceName } from './resources/node.js';
export { SERVICE_NAMES } from './resources/validate.js';
export { Storage, type StorageListOptions, type StorageContentFilter, type VolumeDeleteOptions } from './resources/storage.js';
export { Pool, type PoolCreateOptions, type PoolMemberFilter, type PoolUpdate } from './resources/pool.js';
export * from './resources/schemas/cluster.js';
export * from './resources/schemas/node.js';
export * from './resources/schemas/storage.js';
export * from './resources/schemas/pool.js';
export * from './resources/schemas/backup-jobs.js';
export type { ConfigValue } from './resources/config-params.js';
export { Guest } from './resources/guest.js';
export type { GuestConfigInput, GuestOptionTypes, NoOptions, StartOptions, StopOptions, ShutdownOptions, RebootOptions, DeleteOptions, ConfigGetOptions, ConfigSetOptions, CloneOptions, SnapshotCreateOptions, SnapshotRollbackOptions, SnapshotDeleteOptions, MigrateOptions, MoveVolumeOptions, VncProxyOptions, SpiceProxyOptions } from './resources/guest-options.js';
export { VM, type VMOptionTypes, type VMStartOptions, type VMStopOptions, type VMShutdownOptions, type VMSuspendOptions, type VMResumeOptions, type VMResetOptions, type VMDeleteOptions, type VMConfigSetOptions, type VMCloneOptions, type VMSnapshotCreateOptions, type VMMigrateOptions, type VMMoveVolumeOptions, type VMTemplateOptions, type VMVncProxyOptions, type CloudinitDumpType } from './resources/vm.js';
export { GuestAgent, AgentExecTimeoutError, type AgentExecOptions, type AgentRunOptions, type AgentExecResult, type AgentFileReadOptions, type AgentFileWriteOptions, type AgentSetUserPasswordOptions } from './resources/guest-agent.js';
export {
  AgentInfoSchema, AgentOsInfoSchema, AgentNetworkInterfaceSchema, AgentFsInfoSchema, AgentExecStatusSchema, AgentFileReadSchema, CloudinitPendingSchema,
  type AgentInfo, type AgentOsInfo, type AgentNetworkInterface, type AgentFsInfo, type AgentExecStatus, type AgentFileRead, type CloudinitPending,
} from './resources/schemas/agent.js';
export { Container, type ContainerOptionTypes, type ContainerStartOptions, type ContainerDeleteOptions, type ContainerMigrateOptions, type ContainerVncProxyOptions } from './resources/container.js';
export { Firewall, type FirewallLevel, type FirewallLogLevel, type FirewallRuleInput, type FirewallRuleCreateOptions, type FirewallChangeOptions, type FirewallDigestOptions, type FirewallOptionsInput } from './resources/firewall.js';
export * from './resources/schemas/guest.js';
export * from './resources/schemas/firewall.js';
