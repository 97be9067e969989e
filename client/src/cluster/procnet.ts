/**
 * Linux /proc/net/{tcp,tcp6,udp,udp6} parsing and remote address classification.
 * Pure functions (no I/O).
 */
import * as ipaddr from 'ipaddr.js';

export type ProcNetFile = 'tcp' | 'tcp6' | 'udp' | 'udp6';
export const PROC_NET_FILES: ProcNetFile[] = ['tcp', 'tcp6', 'udp', 'udp6'];

/** include/net/tcp_states.h */
export const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'NEW_SYN_RECV',
};

export interface Endpoint {
  address: string;
  port: number;
}

export interface ProcNetSocket {
  file: ProcNetFile;
  protocol: 'TCP' | 'UDP';
  /** Address family of the socket (a tcp6 socket can carry IPv4-mapped addresses). */
  family: 4 | 6;
  local: Endpoint;
  remote: Endpoint;
  /** Hex state code as in the file (upper case). */
  stateCode: string;
  /** TCP state name; for UDP 01 = ESTABLISHED (connected), 07 = CLOSE (unconnected/bound). */
  state: string;
  uid: number;
  inode: number;
  /** The line as read, for evidence. */
  raw: string;
}

/**
 * Decodes `0100007F:1F90` (IPv4) or `<32 hex>:<port>` (IPv6, four host-order 32-bit words)
 * to address + port. The kernel prints `__be32` words with `%08X` on the host, so on
 * little-endian machines each 4-byte group is byte-reversed.
 */
export function decodeProcNetAddress(hex: string, littleEndian = true): Endpoint & { family: 4 | 6 } {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(hex.trim());
  if (!m) throw new Error(`Not a /proc/net address: ${JSON.stringify(hex.slice(0, 60))}`);
  const port = parseInt(m[2], 16);
  const words = m[1].match(/.{8}/g)!;
  const bytes: number[] = [];
  for (const w of words) {
    const b = [0, 2, 4, 6].map((i) => parseInt(w.slice(i, i + 2), 16));
    bytes.push(...(littleEndian ? b.reverse() : b));
  }
  if (bytes.length === 4) return { family: 4, address: bytes.join('.'), port };
  const v6 = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
  return { family: 6, address: v6.toString(), port };
}

/** Parses one /proc/net file's text. Malformed lines are skipped (returned in `skipped`). */
export function parseProcNet(text: string, file: ProcNetFile, opts: { littleEndian?: boolean } = {}): { sockets: ProcNetSocket[]; skipped: string[] } {
  const sockets: ProcNetSocket[] = [];
  const skipped: string[] = [];
  const protocol = file.startsWith('tcp') ? 'TCP' : 'UDP';
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || /^sl\s/.test(t)) continue;
    const f = t.split(/\s+/);
    // sl: local rem st tx:rx tr:when retrnsmt uid timeout inode …
    if (f.length < 10 || !/^\d+:$/.test(f[0])) { skipped.push(line); continue; }
    try {
      const local = decodeProcNetAddress(f[1], opts.littleEndian ?? true);
      const remote = decodeProcNetAddress(f[2], opts.littleEndian ?? true);
      const stateCode = f[3].toUpperCase();
      const state = TCP_STATES[stateCode] ?? `UNKNOWN(${stateCode})`;
      sockets.push({
        file,
        protocol,
        family: local.family,
        local: { address: local.address, port: local.port },
        remote: { address: remote.address, port: remote.port },
        stateCode,
        state,
        uid: Number(f[7]),
        inode: Number(f[9]),
        raw: line,
      });
    } catch {
      skipped.push(line);
    }
  }
  return { sockets, skipped };
}

// ---------------------------------------------------------------------------------------------
// address classification

export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local' | 'cgnat' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved';

export interface ClassifiedAddress {
  /** Normalised address; IPv4-mapped IPv6 (::ffff:a.b.c.d) unwrapped to IPv4. */
  address: string;
  family: 4 | 6;
  class: AddressClass;
  /** ipaddr.js range name, e.g. "private", "uniqueLocal", "reserved". */
  range: string;
  /** Was IPv4-mapped IPv6 (unwrapped). */
  mapped: boolean;
  note?: string;
}

const DOC_V4 = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((c) => ipaddr.IPv4.parseCIDR(c));
const DOC_V6 = ipaddr.IPv6.parseCIDR('2001:db8::/32');

/**
 * Classifies an address with ipaddr.js. Documentation ranges (RFC 5737 TEST-NETs,
 * RFC 3849 2001:db8::/32) are classified `public` with a note: they stand for internet
 * addresses and, if they ever appear in a pod's sockets, traffic to them leaves the cluster
 * by the default route.
 */
export function classifyAddress(text: string): ClassifiedAddress {
  let ip = ipaddr.parse(text);
  let mapped = false;
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
    mapped = true;
  }
  const range = ip.range() as string;
  const family = ip.kind() === 'ipv4' ? 4 : 6;
  const address = ip.toString();
  let cls: AddressClass;
  let note: string | undefined;
  switch (range) {
    case 'private':
    case 'uniqueLocal':
      cls = 'private';
      break;
    case 'loopback':
      cls = 'loopback';
      break;
    case 'linkLocal':
      cls = 'link-local';
      break;
    case 'carrierGradeNat':
      cls = 'cgnat';
      break;
    case 'unspecified':
      cls = 'unspecified';
      break;
    case 'multicast':
      cls = 'multicast';
      break;
    case 'broadcast':
      cls = 'broadcast';
      break;
    case 'unicast':
    case 'teredo':
    case '6to4':
    case 'as112':
    case 'as112v6':
    case 'amt':
    case 'rfc6052':
    case 'rfc6145':
      cls = 'public';
      break;
    default: {
      const doc = family === 4 ? DOC_V4.some((c) => (ip as ipaddr.IPv4).match(c)) : (ip as ipaddr.IPv6).match(DOC_V6);
      if (doc) {
        cls = 'public';
        note = 'documentation range (RFC 5737 / RFC 3849): stands for an internet address';
      } else cls = 'reserved';
    }
  }
  return { address, family, class: cls, range, mapped, ...(note ? { note } : {}) };
}

/** Normalises an address for comparisons (IPv4-mapped unwrapped, IPv6 compressed). */
export function normalizeIp(text: string): string {
  try {
    let ip = ipaddr.parse(text.trim());
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    return ip.toString();
  } catch {
    return text.trim();
  }
}
