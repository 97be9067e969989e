/**
 * Preload (`node -r` / NODE_OPTIONS=--require) for processes spawned by tests, e.g. the bundled language
 * server: every outgoing network connection (http, https, fetch, net, tls, dns) to anything but the
 * loopback address throws, and each attempt is appended as one line to the file named by
 * K8SG_NET_GUARD_LOG, so that the test can assert that none was made. Unix sockets and pipes (no host)
 * are allowed. Does nothing when K8SG_NET_GUARD_LOG is not set (e.g. when a test runner loads it as a file).
 */
import fs = require('fs');
import http = require('http');
import https = require('https');
import net = require('net');
import tls = require('tls');
import dns = require('dns');

const LOG = process.env.K8SG_NET_GUARD_LOG;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function describe(args: unknown[]): { host?: string; text: string } {
  const a = args[0];
  if (typeof a === 'string' || a instanceof URL) {
    try {
      const u = new URL(String(a));
      return { host: u.hostname, text: String(a) };
    } catch {
      return { text: String(a) }; // a path (unix socket) or a port number as a string
    }
  }
  if (typeof a === 'number') return { host: typeof args[1] === 'string' ? args[1] : 'localhost', text: `${args[1] ?? 'localhost'}:${a}` };
  if (a && typeof a === 'object') {
    const o = a as { host?: string; hostname?: string; path?: string; port?: unknown; socketPath?: string };
    if (o.socketPath || (o.path && !o.host && !o.hostname && o.port === undefined)) return { text: `socket ${o.socketPath ?? o.path}` };
    return { host: o.hostname ?? o.host ?? 'localhost', text: `${o.hostname ?? o.host ?? 'localhost'}:${String(o.port ?? '')}` };
  }
  return { text: String(a) };
}

function guard<T extends object>(mod: T, name: string, fns: string[]): void {
  const m = mod as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const fn of fns) {
    const original = m[fn];
    if (typeof original !== 'function') continue;
    m[fn] = function (this: unknown, ...args: unknown[]) {
      const { host, text } = describe(args);
      if (host !== undefined && !LOOPBACK.has(host)) {
        fs.appendFileSync(LOG!, `${name}.${fn} ${text}\n`);
        throw new Error(`network access is disabled (${name}.${fn} ${text})`);
      }
      return original.apply(this, args);
    };
  }
}

if (LOG) {
  // lets a test check that the guard is really loaded in the process it spawned
  fs.appendFileSync(`${LOG}.loaded`, `${process.pid}\n`);
  guard(http, 'http', ['request', 'get']);
  guard(https, 'https', ['request', 'get']);
  guard(net, 'net', ['connect', 'createConnection']);
  guard(tls, 'tls', ['connect']);
  for (const fn of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
    const d = dns as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = d[fn];
    d[fn] = function (this: unknown, ...args: unknown[]) {
      const host = String(args[0]);
      if (!LOOPBACK.has(host)) {
        fs.appendFileSync(LOG, `dns.${fn} ${host}\n`);
        throw new Error(`network access is disabled (dns.${fn} ${host})`);
      }
      return original.apply(this, args);
    };
  }
  (globalThis as unknown as Record<string, unknown>).fetch = (input: unknown) => {
    fs.appendFileSync(LOG, `fetch ${String(input)}\n`);
    return Promise.reject(new Error(`network access is disabled (fetch ${String(input)})`));
  };
}
