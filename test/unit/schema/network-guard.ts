/**
 * Imported first by the schema tests: makes every outgoing network request (http, https, fetch, raw
 * sockets) throw, and records the attempt so that tests can assert that none was made.
 */
// `import x = require()` gives the real module objects (a namespace import would be a copy)
import http = require('http');
import https = require('https');
import net = require('net');
import tls = require('tls');

export const networkAttempts: string[] = [];

function blocked(name: string): (...args: unknown[]) => never {
  return (...args: unknown[]) => {
    const target = args.length > 0 ? String(typeof args[0] === 'object' ? JSON.stringify(args[0]) : args[0]) : '';
    networkAttempts.push(`${name} ${target}`);
    throw new Error(`network access is disabled in tests (${name} ${target})`);
  };
}

type Mutable = Record<string, unknown>;
for (const [mod, name, fns] of [
  [http, 'http', ['request', 'get']],
  [https, 'https', ['request', 'get']],
  [net, 'net', ['connect', 'createConnection']],
  [tls, 'tls', ['connect']],
] as const) {
  for (const fn of fns) {
    (mod as unknown as Mutable)[fn] = blocked(`${name}.${fn}`);
  }
}
(globalThis as unknown as Mutable).fetch = blocked('fetch');
