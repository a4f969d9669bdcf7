/**
 * Release gates: which Proxmox VE releases have a feature or a parameter, checked against
 * `api.version()` before any request (an `UnsupportedError` naming the release otherwise).
 *
 * @module
 * @internal
 */
import { UnsupportedError } from '../core/errors.js';
import { atLeast, releaseOf, type VersionInfo } from '../core/version.js';

/**
 * The releases that have a feature: from `since` (inclusive) up to `until` (the first release
 * without it). Either bound may be absent.
 *
 * @internal
 */
export interface Availability {
  /** The first release that has it (`'8.0'`). */
  since?: string;
  /** The first release that no longer has it (`'9.0'`). */
  until?: string;
}

type Release = Pick<VersionInfo, 'major' | 'minor' | 'patch'>;

/**
 * Whether the release has the feature.
 *
 * @internal
 */
export function isAvailable(info: Release, availability: Availability): boolean {
  if (availability.since !== undefined && !atLeast(info, availability.since)) return false;
  if (availability.until !== undefined && atLeast(info, availability.until)) return false;
  return true;
}

/**
 * Throws `UnsupportedError` when the release lacks the feature.
 *
 * @internal
 */
export function requireAvailable(info: Release, feature: string, availability: Availability): void {
  if (isAvailable(info, availability)) return;
  const removed = availability.until !== undefined && atLeast(info, availability.until);
  throw new UnsupportedError(
    removed ? `${feature} (removed in ${availability.until})` : feature,
    releaseOf(info),
    removed ? undefined : availability.since,
  );
}

/**
 * Throws `UnsupportedError` for the first parameter of `params` (with a value) that the release
 * lacks, as `table` says; parameters missing from the table are left to Proxmox.
 *
 * @internal
 */
export function requireParams(
  info: Release,
  what: string,
  params: Readonly<Record<string, unknown>>,
  table: Readonly<Record<string, Availability>>,
): void {
  for (const [key, value] of Object.entries(params)) {
    const availability = table[key];
    if (value === undefined || availability === undefined) continue;
    requireAvailable(info, `${what} "${key}"`, availability);
  }
}
