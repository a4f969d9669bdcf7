/**
 * proxmox-sdk: an object-oriented TypeScript SDK for the Proxmox VE and Proxmox Backup Server REST APIs.
 *
 * @packageDocumentation
 */
export * from './core/errors.js';
export * from './core/path.js';
export type * from './core/types.js';
