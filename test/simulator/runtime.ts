/**
 * Simulated container runtime: per-pod network sockets rendered as the Linux
 * kernel renders /proc/net/{tcp,tcp6,udp,udp6}, per-container virtual files,
 * logs, and a tiny scripted shell used by pods/exec.
 */
import { isIP } from 'node:net';
import { KObj } from './store';

export type SocketProto = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export const TCP_STATES: Record<string, number> = {
  ESTABLISHED: 0x01, SYN_SENT: 0x02, SYN_RECV: 0x03, FIN_WAIT1: 0x04, FIN_WAIT2: 0x05, TIME_WAIT: 0x06,
  CLOSE: 0x07, CLOSE_WAIT: 0x08, LAST_ACK: 0x09, LISTEN: 0x0a, CLOSING: 0x0b, NEW_SYN_RECV: 0x0c,
};

export interface SimSocket {
  proto: SocketProto;
  /** "ip:port"; IPv6 as "[addr]:port" */
  local: string;
  /** "ip:port"; defaults to the unspecified address with port 0 */
  remote?: string;
  /** state name (ESTABLISHED, LISTEN, …) or numeric code; UDP uses 07 (unconnected) / 01 (connected) */
  state?: keyof typeof TCP_STATES | number;
  uid?: number;
  inode?: number;
  txQueue?: number;
  rxQueue?: number;
}

export interface ContainerRuntime {
  /** no shell, no coreutils: every exec fails like a distroless image */
  distroless?: boolean;
  /** extra/overriding virtual files, absolute path → content */
  files?: Record<string, string>;
  /** container log text (served by pods/{name}/log) */
  logs?: string;
  /** previous (terminated) instance log text, for ?previous=true */
  previousLogs?: string;
  env?: Record<string, string>;
}

export interface PodRuntime {
  /** sockets in the pod's network namespace (shared by all containers, incl. ephemeral ones) */
  sockets?: SimSocket[];
  /** raw override of /proc/net/* contents (takes precedence over sockets) */
  procNet?: Partial<Record<SocketProto, string>>;
  containers?: Record<string, ContainerRuntime>;
}

// ---------------------------------------------------------------- /proc/net rendering

function splitHostPort(s: string): [string, number] {
  const m = /^\[(.*)\]:(\d+)$/.exec(s) ?? /^(.*):(\d+)$/.exec(s);
  if (!m) throw new Error(`bad address ${s}`);
  return [m[1], Number(m[2])];
}

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(width, '0');
}

/** IPv4 network-order bytes read as a little-endian host u32, as the kernel prints __be32 with %08X. */
export function ipv4ToProcHex(ip: string): string {
  const b = ip.split('.').map(Number);
  return hex(((b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0]) >>> 0, 8);
}

function ipv6Bytes(ip: string): number[] {
  let addr = ip;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  let tail: number[] = [];
  if (v4tail) {
    const b = v4tail[1].split('.').map(Number);
    tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
    addr = addr.slice(0, -v4tail[1].length) + '0:0';
  }
  const [head, rest] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':').filter((x) => x !== '') : [];
  const r = rest !== undefined ? rest.split(':').filter((x) => x !== '') : [];
  let groups = rest !== undefined ? [...h, ...Array(8 - h.length - r.length).fill('0'), ...r] : h;
  groups = groups.map((g) => g || '0');
  const words = groups.map((g) => parseInt(g, 16));
  if (tail.length) { words[6] = tail[0]; words[7] = tail[1]; }
  const bytes: number[] = [];
  for (const w of words) bytes.push((w >> 8) & 0xff, w & 0xff);
  return bytes;
}

/** IPv6 as four 32-bit words, each printed host-order (little-endian) like the kernel's %08X of s6_addr32[i]. */
export function ipv6ToProcHex(ip: string): string {
  const b = ipv6Bytes(ip);
  let out = '';
  for (let i = 0; i < 16; i += 4) out += hex(((b[i + 3] << 24) | (b[i + 2] << 16) | (b[i + 1] << 8) | b[i]) >>> 0, 8);
  return out;
}

export function renderProcNet(proto: SocketProto, sockets: SimSocket[]): string {
  const v6 = proto.endsWith('6');
  const udp = proto.startsWith('udp');
  const list = sockets.filter((s) => s.proto === proto);
  const lines: string[] = [];
  if (!v6 && !udp) lines.push('  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'.padEnd(149, ' '));
  if (!v6 && udp) lines.push('  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops'.padEnd(127, ' '));
  if (v6 && !udp) lines.push('  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode');
  if (v6 && udp) lines.push('  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops');
  list.forEach((s, i) => {
    const [lh, lp] = splitHostPort(s.local);
    const [rh, rp] = s.remote ? splitHostPort(s.remote) : [v6 ? '::' : '0.0.0.0', 0];
    const enc = (h: string) => (v6 ? ipv6ToProcHex(isIP(h) === 4 ? `::ffff:${h}` : h) : ipv4ToProcHex(h));
    const stateCode = typeof s.state === 'number' ? s.state : TCP_STATES[s.state ?? (udp ? 'CLOSE' : 'ESTABLISHED')];
    const addr = `${enc(lh)}:${hex(lp, 4)} ${enc(rh)}:${hex(rp, 4)} ${hex(stateCode, 2)} ${hex(s.txQueue ?? 0, 8)}:${hex(s.rxQueue ?? 0, 8)}`;
    const uid = String(s.uid ?? 0).padStart(5, ' ');
    const inode = s.inode ?? 100000 + i * 7 + (udp ? 3 : 1);
    if (udp) {
      const line = `${String(i).padStart(5, ' ')}: ${addr} 00:00000000 00000000 ${uid}        0 ${inode} 2 0000000000000000 0`;
      lines.push(v6 ? line : line.padEnd(127, ' '));
    } else {
      const listen = stateCode === 0x0a;
      const timer = listen ? '00:00000000' : '00:00000000';
      const line = `${String(i).padStart(4, ' ')}: ${addr} ${timer} 00000000 ${uid}        0 ${inode} 1 0000000000000000 ${listen ? 100 : 20} 0 0 10 ${listen ? 0 : -1}`;
      lines.push(v6 ? line : line.padEnd(149, ' '));
    }
  });
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- virtual filesystem

export interface ExecContext {
  pod: KObj;
  containerName: string;
  container: KObj;
  podRuntime: PodRuntime;
  containerRuntime: ContainerRuntime;
}

export function isDistroless(ctx: { container: KObj; containerRuntime: ContainerRuntime }): boolean {
  if (ctx.containerRuntime.distroless !== undefined) return ctx.containerRuntime.distroless;
  return /distroless|(^|\/)scratch(:|$)/i.test(String(ctx.container.image ?? ''));
}

/** Default sockets for a pod: a LISTEN socket per declared container port. */
export function defaultSockets(pod: KObj): SimSocket[] {
  const out: SimSocket[] = [];
  for (const c of [...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      const proto = (p.protocol ?? 'TCP') === 'UDP' ? 'udp' : 'tcp';
      out.push({ proto, local: `0.0.0.0:${p.containerPort}`, state: proto === 'tcp' ? 'LISTEN' : 'CLOSE' });
    }
  }
  return out;
}

export function virtualFiles(ctx: ExecContext): Record<string, string> {
  const pod = ctx.pod;
  const sockets = ctx.podRuntime.sockets ?? defaultSockets(pod);
  const ip = pod.status?.podIP ?? '';
  const files: Record<string, string> = {
    '/etc/hostname': `${pod.metadata.name}\n`,
    '/etc/hosts': `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip}\t${pod.metadata.name}\n`,
    '/etc/resolv.conf': `search ${pod.metadata.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
    '/etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    '/var/run/secrets/kubernetes.io/serviceaccount/namespace': pod.metadata.namespace,
    '/var/run/secrets/kubernetes.io/serviceaccount/token': 'eyJhbGciOiJSUzI1NiJ9.c2ltdWxhdGVkLXRva2Vu.c2lnbmF0dXJl',
    '/proc/net/tcp': ctx.podRuntime.procNet?.tcp ?? renderProcNet('tcp', sockets),
    '/proc/net/tcp6': ctx.podRuntime.procNet?.tcp6 ?? renderProcNet('tcp6', sockets),
    '/proc/net/udp': ctx.podRuntime.procNet?.udp ?? renderProcNet('udp', sockets),
    '/proc/net/udp6': ctx.podRuntime.procNet?.udp6 ?? renderProcNet('udp6', sockets),
    '/proc/1/cmdline': [...(ctx.container.command ?? ['/docker-entrypoint.sh']), ...(ctx.container.args ?? [])].join('\0') + '\0',
    '/proc/version': 'Linux version 6.1.0-sim (simulator@k8s-guardrails) #1 SMP PREEMPT_DYNAMIC\n',
  };
  for (const [k, v] of Object.entries(ctx.containerRuntime.files ?? {})) files[k] = v;
  return files;
}

// ---------------------------------------------------------------- shell

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** runtime-level failure (binary not found): reported as an InternalError status, no exit code */
  runtimeError?: string;
}

const BINARIES = new Set(['cat', 'ls', 'sh', 'bash', 'echo', 'hostname', 'env', 'id', 'true', 'false', 'uname', 'whoami', 'pwd', 'head', 'sleep', 'printf']);

function baseName(p: string): string { return p.split('/').pop() ?? p; }

/** Splits a shell script into words, honouring single/double quotes and backslashes; separators are returned as tokens. */
function tokenize(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'") { const j = script.indexOf("'", i + 1); cur += script.slice(i + 1, j < 0 ? undefined : j); i = j < 0 ? script.length : j; has = true; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < script.length && script[j] !== '"') { if (script[j] === '\\' && j + 1 < script.length) j++; cur += script[j]; j++; }
      i = j; has = true; continue;
    }
    if (c === '\\' && i + 1 < script.length) { cur += script[++i]; has = true; continue; }
    if (c === ' ' || c === '\t' || c === '\n') { if (has) { out.push(cur); cur = ''; has = false; } if (c === '\n') out.push(';'); continue; }
    if (c === ';' || c === '|' || c === '&') {
      if (has) { out.push(cur); cur = ''; has = false; }
      const two = script.slice(i, i + 2);
      if (two === '&&' || two === '||') { out.push(two); i++; } else out.push(c);
      continue;
    }
    if (c === '>' || c === '<') { if (has) { out.push(cur); cur = ''; has = false; } out.push(c); continue; }
    cur += c; has = true;
  }
  if (has) out.push(cur);
  return out;
}

export function runCommand(ctx: ExecContext, argv: string[], stdin = ''): ExecResult {
  if (argv.length === 0) return { stdout: '', stderr: '', exitCode: 0, runtimeError: 'exec: no command specified' };
  const bin = baseName(argv[0]);
  if (isDistroless(ctx) || !BINARIES.has(bin)) {
    return { stdout: '', stderr: '', exitCode: 126, runtimeError: `exec: "${argv[0]}": executable file not found in $PATH` };
  }
  if (bin === 'sh' || bin === 'bash') {
    const ci = argv.indexOf('-c');
    if (ci >= 0) return runScript(ctx, argv[ci + 1] ?? '', argv[0]);
    return runScript(ctx, stdin, argv[0]);
  }
  return builtin(ctx, argv, stdin, argv[0]);
}

export function runScript(ctx: ExecContext, script: string, shell = 'sh'): ExecResult {
  const toks = tokenize(script);
  let stdout = '';
  let stderr = '';
  let code = 0;
  let skip = false;
  let pipeIn: string | undefined;
  let cmd: string[] = [];
  const flush = (sep: string | undefined) => {
    if (cmd.length && !skip) {
      if (cmd[0] === 'exit') { code = Number(cmd[1] ?? code) || 0; return true; }
      const r = builtin(ctx, cmd, pipeIn ?? '', shell);
      if (sep === '|') { pipeIn = r.stdout; } else { stdout += r.stdout; pipeIn = undefined; }
      stderr += r.stderr;
      code = r.exitCode;
    }
    cmd = [];
    if (sep === '&&') skip = code !== 0;
    else if (sep === '||') skip = code === 0;
    else if (sep !== '|') skip = false;
    return false;
  };
  for (const t of toks) {
    if (t === ';' || t === '&&' || t === '||' || t === '|' || t === '&') {
      if (flush(t)) return { stdout, stderr, exitCode: code };
    } else cmd.push(t);
  }
  flush(undefined);
  return { stdout, stderr, exitCode: code };
}

function builtin(ctx: ExecContext, argv: string[], stdin: string, shell: string): ExecResult {
  const files = virtualFiles(ctx);
  const bin = baseName(argv[0]);
  const args = argv.slice(1);
  const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
  // output redirection is accepted and discarded (read-only rootfs simulation)
  const redir = args.indexOf('>');
  const a = redir >= 0 ? args.slice(0, redir) : args;
  if (!BINARIES.has(bin)) return { stdout: '', stderr: `${shell}: 1: ${argv[0]}: not found\n`, exitCode: 127 };
  switch (bin) {
    case 'true': return ok('');
    case 'false': return { stdout: '', stderr: '', exitCode: 1 };
    case 'echo': return ok(a.join(' ') + '\n');
    case 'printf': return ok((a[0] ?? '').replace(/\\n/g, '\n'));
    case 'hostname': return ok(`${ctx.pod.metadata.name}\n`);
    case 'whoami': return ok('root\n');
    case 'pwd': return ok('/\n');
    case 'sleep': return ok('');
    case 'id': return ok('uid=0(root) gid=0(root) groups=0(root)\n');
    case 'uname': return ok(a.includes('-a') ? 'Linux ' + ctx.pod.metadata.name + ' 6.1.0-sim #1 SMP x86_64 GNU/Linux\n' : 'Linux\n');
    case 'env': {
      const env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: ctx.pod.metadata.name, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
      for (const e of ctx.container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
      Object.assign(env, ctx.containerRuntime.env ?? {});
      return ok(Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
    }
    case 'cat': case 'head': {
      let n = 10;
      const paths: string[] = [];
      for (let i = 0; i < a.length; i++) {
        if (bin === 'head' && a[i] === '-n') { n = Number(a[++i]) || 10; continue; }
        if (bin === 'head' && /^-n?\d+$/.test(a[i])) { n = Number(a[i].replace(/^-n?/, '')); continue; }
        if (a[i].startsWith('-') && a[i] !== '-') continue;
        paths.push(a[i]);
      }
      if (paths.length === 0) paths.push('-');
      let out = '';
      let err = '';
      let code = 0;
      for (const p of paths) {
        if (p === '-') out += stdin;
        else if (files[p] !== undefined) out += files[p];
        else if (Object.keys(files).some((f) => f.startsWith(p.endsWith('/') ? p : `${p}/`))) { err += `${bin}: ${p}: Is a directory\n`; code = 1; }
        else { err += `${bin}: ${p}: No such file or directory\n`; code = 1; }
      }
      if (bin === 'head') {
        const lines = out.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        out = lines.slice(0, n).map((l) => `${l}\n`).join('');
      }
      return { stdout: out, stderr: err, exitCode: code };
    }
    case 'ls': {
      const paths = a.filter((x) => !x.startsWith('-'));
      const targets = paths.length ? paths : ['/'];
      let out = '';
      let err = '';
      let code = 0;
      for (const p of targets) {
        const dir = p.endsWith('/') ? p : `${p}/`;
        if (files[p] !== undefined) { out += `${p}\n`; continue; }
        const children = new Set<string>();
        for (const f of Object.keys(files)) if (f.startsWith(dir)) children.add(f.slice(dir.length).split('/')[0]);
        if (p === '/') ['bin', 'etc', 'proc', 'tmp', 'usr', 'var'].forEach((c) => children.add(c));
        if (children.size === 0) { err += `ls: cannot access '${p}': No such file or directory\n`; code = 2; continue; }
        if (targets.length > 1) out += `${p}:\n`;
        out += [...children].sort().join('\n') + '\n';
      }
      return { stdout: out, stderr: err, exitCode: code };
    }
    case 'sh': case 'bash': {
      const ci = a.indexOf('-c');
      return runScript(ctx, ci >= 0 ? a[ci + 1] ?? '' : stdin, argv[0]);
    }
  }
  return { stdout: '', stderr: `${shell}: ${argv[0]}: not found\n`, exitCode: 127 };
}

/** Default log text for a container that has none seeded. */
export function defaultLogs(pod: KObj, container: string): string {
  const ts = pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? '2024-01-01T00:00:00Z';
  return `${ts} starting container ${container} in pod ${pod.metadata.namespace}/${pod.metadata.name}\n${ts} listening\n`;
}
