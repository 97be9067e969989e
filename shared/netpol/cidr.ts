/**
 * IP address / CIDR arithmetic for the NetworkPolicy engine.
 *
 * Addresses are represented as bigint values inside their family (IPv4: 32 bit,
 * IPv6: 128 bit) so that ipBlock `cidr` minus `except` can be computed exactly
 * as interval sets. Parsing follows the Kubernetes "legacy field" rules for
 * ipBlock (Go's ParseCIDRSloppy): dotted-quad IPv4 with decimal octets (leading
 * zeros tolerated but reported), host bits tolerated but reported.
 *
 * IPv6 textual parsing is delegated to ipaddr.js; IPv4 parsing is done here
 * because ipaddr.js reads "010" as octal, unlike Kubernetes.
 */
import * as ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface ParsedIp {
  family: Family;
  value: bigint;
  /** IPv4 octets written with leading zeros ("010.0.0.1"). */
  leadingZeros: boolean;
}

export interface ParsedCidr {
  family: Family;
  prefix: number;
  /** First address of the network (host bits cleared). */
  start: bigint;
  /** Last address of the network. */
  end: bigint;
  /** The written address had bits set after the prefix length. */
  hostBitsSet: boolean;
  /** Leading zeros in an IPv4 octet or in the prefix length. */
  leadingZeros: boolean;
  /** Canonical text form, e.g. "10.0.0.0/8", "2001:db8::/32". */
  canonical: string;
}

export type Interval = [bigint, bigint];

export const bitsOf = (f: Family): number => (f === 4 ? 32 : 128);
export const maxOf = (f: Family): bigint => (1n << BigInt(bitsOf(f))) - 1n;

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parse a single IP address (no prefix). IPv4-mapped IPv6 addresses are returned as IPv4. */
export function parseIp(text: unknown): ParsedIp | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  if (s !== text || s === '') return undefined;
  const m = IPV4_RE.exec(s);
  if (m) {
    let v = 0n;
    let leadingZeros = false;
    for (let i = 1; i <= 4; i++) {
      const o = m[i];
      if (o.length > 1 && o.startsWith('0')) leadingZeros = true;
      const n = Number(o);
      if (n > 255) return undefined;
      v = (v << 8n) | BigInt(n);
    }
    return { family: 4, value: v, leadingZeros };
  }
  if (!s.includes(':') || s.includes('%')) return undefined;
  try {
    if (!ipaddr.IPv6.isValid(s)) return undefined;
    const a = ipaddr.IPv6.parse(s);
    const bytes = a.toByteArray();
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    if (a.isIPv4MappedAddress()) return { family: 4, value: v & 0xffffffffn, leadingZeros: false };
    return { family: 6, value: v, leadingZeros: false };
  } catch {
    return undefined;
  }
}

/** Parse an IPv6 address keeping it IPv6 even when IPv4-mapped (for CIDR parsing). */
function parseIpForCidr(s: string): ParsedIp | undefined {
  const m = IPV4_RE.exec(s);
  if (m) return parseIp(s);
  if (!s.includes(':') || s.includes('%')) return undefined;
  try {
    if (!ipaddr.IPv6.isValid(s)) return undefined;
    const bytes = ipaddr.IPv6.parse(s).toByteArray();
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    return { family: 6, value: v, leadingZeros: false };
  } catch {
    return undefined;
  }
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4) {
    const o: number[] = [];
    for (let i = 3; i >= 0; i--) o.push(Number((value >> BigInt(i * 8)) & 0xffn));
    return o.join('.');
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
}

/** Parse "a.b.c.d/n" or "x::/n". Returns undefined for anything Kubernetes would reject. */
export function parseCidr(text: unknown): ParsedCidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return undefined;
  const addr = text.slice(0, slash);
  const pfx = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(pfx)) return undefined;
  const ip = parseIpForCidr(addr);
  if (!ip) return undefined;
  const prefix = Number(pfx);
  const bits = bitsOf(ip.family);
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const start = ip.value & ~hostMask & maxOf(ip.family);
  const end = start | hostMask;
  return {
    family: ip.family,
    prefix,
    start,
    end,
    hostBitsSet: (ip.value & hostMask) !== 0n,
    leadingZeros: ip.leadingZeros || (pfx.length > 1 && pfx.startsWith('0')),
    canonical: `${formatIp(ip.family, start)}/${prefix}`,
  };
}

// ---------------------------------------------------------------------------
// Interval sets (sorted, disjoint, inclusive intervals)

export function normalize(list: Interval[]): Interval[] {
  const sorted = list.filter(([a, b]) => a <= b).map(([a, b]) => [a, b] as Interval).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1n) {
      if (b > last[1]) last[1] = b;
    } else out.push([a, b]);
  }
  return out;
}

export function subtract(set: Interval[], remove: Interval[]): Interval[] {
  let cur = normalize(set);
  for (const [ra, rb] of normalize(remove)) {
    const next: Interval[] = [];
    for (const [a, b] of cur) {
      if (rb < a || ra > b) {
        next.push([a, b]);
        continue;
      }
      if (a < ra) next.push([a, ra - 1n]);
      if (b > rb) next.push([rb + 1n, b]);
    }
    cur = next;
  }
  return cur;
}

export function intersect(x: Interval[], y: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [a, b] of normalize(x)) {
    for (const [c, d] of normalize(y)) {
      const lo = a > c ? a : c;
      const hi = b < d ? b : d;
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return normalize(out);
}

export const contains = (set: Interval[], v: bigint): boolean => set.some(([a, b]) => a <= v && v <= b);

// ---------------------------------------------------------------------------
// Public internet ranges

function cidrIntervals(family: Family, list: string[]): Interval[] {
  const out: Interval[] = [];
  for (const c of list) {
    const p = parseCidr(c);
    if (p && p.family === family) out.push([p.start, p.end]);
  }
  return out;
}

/**
 * IPv4 ranges that are not reachable public internet (IANA special-purpose registry,
 * RFC 6890 and successors).
 */
export const NON_PUBLIC_V4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link local
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // TEST-NET-1
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved + limited broadcast
];

let publicV4: Interval[] | undefined;
let publicV6: Interval[] | undefined;

/** Publicly routable address space of a family, as an interval set. */
export function publicSpace(family: Family): Interval[] {
  if (family === 4) {
    if (!publicV4) publicV4 = subtract([[0n, maxOf(4)]], cidrIntervals(4, NON_PUBLIC_V4));
    return publicV4;
  }
  if (!publicV6) {
    // Global unicast 2000::/3 minus documentation / benchmarking blocks,
    // plus IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) embeddings of public IPv4.
    const global = subtract(cidrIntervals(6, ['2000::/3']), cidrIntervals(6, ['2001:db8::/32', '3fff::/20', '2001:2::/48']));
    const embed = (base: bigint): Interval[] => publicSpace(4).map(([a, b]) => [base + a, base + b] as Interval);
    publicV6 = normalize([...global, ...embed(0xffff00000000n), ...embed(0x64ff9bn << 96n)]);
  }
  return publicV6;
}

export function isPublicIp(ip: ParsedIp): boolean {
  return contains(publicSpace(ip.family), ip.value);
}
