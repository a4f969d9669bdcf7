/**
 * proxmox-sdk/testing: an in-memory Proxmox VE simulator served over HTTPS on loopback.
 *
 * @packageDocumentation
 */
export {};
