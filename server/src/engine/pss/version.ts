/**
 * Policy versions, as in k8s.io/pod-security-admission/api (Version, ParseVersion, Older).
 */

export interface PssVersion {
  major: number;
  minor: number;
  latest: boolean;
}

/** Newest MinimumVersion of any check in the reference source (sysctls v1.37). */
export const LATEST_KNOWN_MAJOR = 1;
export const LATEST_KNOWN_MINOR = 37;
export const LATEST_KNOWN_PSS_VERSION = `v${LATEST_KNOWN_MAJOR}.${LATEST_KNOWN_MINOR}`;

const VERSION_RE = /^v1\.([0-9]|[1-9][0-9]*)$/;
const GO_MAX_INT = BigInt('9223372036854775807');

/**
 * Upstream ParseVersion: "latest" or "v1.x" (no leading zeros, no whitespace).
 * Returns undefined where upstream returns an error (upstream would then fall back to latest).
 * For "latest" the returned major/minor are those of the newest known policy version (informational only:
 * evaluation looks at `latest`).
 */
export function parsePssVersion(text: string): PssVersion | undefined {
  if (typeof text !== 'string') return undefined;
  if (text === 'latest') return { major: LATEST_KNOWN_MAJOR, minor: LATEST_KNOWN_MINOR, latest: true };
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  // strconv.Atoi fails on overflow of a 64-bit int.
  if (BigInt(m[1]) > GO_MAX_INT) return undefined;
  return { major: 1, minor: Number(m[1]), latest: false };
}

export function formatPssVersion(v: PssVersion): string {
  return v.latest ? 'latest' : `v${v.major}.${v.minor}`;
}

/** Numeric policy version used for evaluation, or 'latest'. Malformed version objects are treated as latest. */
export type ResolvedVersion = { major: number; minor: number } | 'latest';

export function resolveVersion(v: PssVersion | undefined | null): ResolvedVersion {
  if (!v || typeof v !== 'object' || v.latest) return 'latest';
  const { major, minor } = v;
  if (typeof major !== 'number' || typeof minor !== 'number' || Number.isNaN(major) || Number.isNaN(minor)) return 'latest';
  return { major, minor };
}

/** Upstream Version.Older: true if a is strictly older than b. */
export function older(a: ResolvedVersion, b: ResolvedVersion): boolean {
  if (a === 'latest') return false;
  if (b === 'latest') return true;
  if (a.major !== b.major) return a.major < b.major;
  return a.minor < b.minor;
}

/** Clamp as checkRegistry.EvaluatePod does: anything newer than the newest known version evaluates as it. */
export function clampToKnown(v: ResolvedVersion): { major: number; minor: number } {
  const max = { major: LATEST_KNOWN_MAJOR, minor: LATEST_KNOWN_MINOR };
  if (older(max, v)) return max;
  return v as { major: number; minor: number };
}
