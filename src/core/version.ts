/**
 * The answer of `GET /version`, with the release parsed into numbers to compare.
 *
 * @module
 */
import { z } from 'zod';

/**
 * Reads `GET /version` of Proxmox VE (`version: '8.4.1'`, `release: '8.4'`) or Proxmox Backup Server
 * (`version: '4.0'`, `release: '14'`) and adds `major`, `minor` and `patch` as numbers. Unknown
 * fields pass through.
 *
 * @example
 * ```ts
 * const info = VersionInfoSchema.parse({ version: '8.4.1', release: '8.4', repoid: '2a5fa54a' });
 * info.major; // 8
 * ```
 */
export const VersionInfoSchema = z
  .looseObject({
    version: z.string(),
    release: z.string().optional(),
    repoid: z.string().optional(),
  })
  .transform((raw, ctx) => {
    const parsed = parseRelease(raw.version, raw.release);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: `cannot read a release from version ${JSON.stringify(raw.version)}` });
      return z.NEVER;
    }
    return { ...raw, ...parsed };
  });

/**
 * What `api.version()` returns: Proxmox's fields plus the parsed `major`, `minor` and `patch`.
 *
 * @example
 * ```ts
 * const { major, minor } = await api.version();
 * ```
 */
export type VersionInfo = z.infer<typeof VersionInfoSchema>;

/** The numeric parts of a release. */
interface ParsedRelease {
  /** The major release (`8` of 8.4.1). */
  major: number;
  /** The minor release (`4` of 8.4.1). */
  minor: number;
  /** The patch level (`1` of 8.4.1; a PBS `release`), when known. */
  patch: number | undefined;
}

function parseRelease(version: string, release: string | undefined): ParsedRelease | undefined {
  const v = /^(\d+)\.(\d+)(?:[.-](\d+))?/.exec(version);
  if (!v) return undefined;
  const major = Number(v[1]);
  const minor = Number(v[2]);
  if (v[3] !== undefined) return { major, minor, patch: Number(v[3]) };
  // PBS: `version` is "major.minor" and `release` the patch level.
  const patch = release !== undefined && /^\d+$/.test(release) ? Number(release) : undefined;
  return { major, minor, patch };
}

/**
 * Whether the connected release is at least `wanted` (`'8'`, `'8.0'` or `'8.2.4'`).
 *
 * @param info - What `api.version()` returned.
 * @param wanted - The oldest release that is enough.
 * @returns `true` when `info` is that release or newer.
 * @throws TypeError when `wanted` is not `major[.minor[.patch]]`.
 * @example
 * ```ts
 * if (atLeast(await api.version(), '8.0')) await api.put('/pools', { poolid: 'web', comment: 'x' });
 * ```
 */
export function atLeast(info: Pick<VersionInfo, 'major' | 'minor' | 'patch'>, wanted: string): boolean {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(wanted);
  if (!m) throw new TypeError(`release must look like 8, 8.0 or 8.2.4, got ${JSON.stringify(wanted)}`);
  const want = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const have = [info.major, info.minor, info.patch ?? 0];
  for (let i = 0; i < 3; i++) {
    const h = have[i] ?? 0;
    const w = want[i] ?? 0;
    if (h !== w) return h > w;
  }
  return true;
}

/**
 * The release as `major.minor` (`'8.4'`), as error messages and `UnsupportedError` name it.
 *
 * @param info - What `api.version()` returned.
 * @returns `major.minor`.
 * @example
 * ```ts
 * releaseOf(await api.version()); // '8.4'
 * ```
 */
export function releaseOf(info: Pick<VersionInfo, 'major' | 'minor'>): string {
  return `${info.major}.${info.minor}`;
}
