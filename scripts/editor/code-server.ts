/**
 * Start and stop a private code-server (VS Code 1.100.3 served to a browser)
 * on 127.0.0.1. Used by the extension-host test launcher
 * (test/editor/launchers/run-code-server.ts) and by `npm start`
 * (scripts/editor/start.ts). See scripts/editor/README.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ChildProcess, spawn } from 'child_process';
import { codeServerVersions, CodeServerVersions, ensureCodeServerRuntime, findRepoRoot } from './code-server-setup';

export interface CodeServerOptions {
  /** Folder (or .code-workspace file) code-server opens when the URL has no ?folder=. */
  workspace?: string;
  /** Port on 127.0.0.1; 0 or undefined lets the OS pick a free one (read back from code-server's log). */
  port?: number;
  /** VS Code user data dir. Default: a fresh temp dir, deleted by stop(). */
  userDataDir?: string;
  /** Extensions dir. Default: a fresh (empty) temp dir, deleted by stop(). */
  extensionsDir?: string;
  /** Settings written before start (merged over existing files): this extension's machine-scoped ones to <userDataDir>/Machine/settings.json (a code-server window is remote), the rest to <userDataDir>/User/settings.json. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server, and so for its extension host. */
  env?: NodeJS.ProcessEnv;
  /**
   * Workspace Trust. false (default) passes --disable-workspace-trust: every
   * folder is trusted. true leaves the feature on, so a test can exercise
   * restricted mode (combine with the setting
   * "security.workspace.trust.startupPrompt": "never" to avoid the modal).
   */
  workspaceTrust?: boolean;
  /** How long to wait for "HTTP server listening". Default 60 s. */
  startTimeoutMs?: number;
  /** More code-server command-line arguments. */
  extraArgs?: string[];
  /** Receives code-server's stdout/stderr as it arrives. Default: echoed to stderr when K8SG_EDITOR_DEBUG is set. */
  onOutput?: (text: string) => void;
  /** Keep temp dirs after stop() (for debugging). Default: K8SG_EDITOR_KEEP_TEMP is set. */
  keepTempDirs?: boolean;
}

export interface CodeServerHandle {
  /** http://127.0.0.1:<port>/ */
  url: string;
  port: number;
  pid: number;
  userDataDir: string;
  extensionsDir: string;
  versions: CodeServerVersions;
  /** Everything code-server printed so far. */
  output(): string;
  /** Resolves with the exit code when code-server exits (by stop() or on its own). */
  exited: Promise<number | null>;
  /** Kill code-server and every process it started; idempotent. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let handlersInstalled = false;

/** Signal every live process in the group led by pid, then any stray descendants. */
function killTree(pid: number, signal: NodeJS.Signals): void {
  const victims = [pid, ...descendants(pid)];
  try {
    process.kill(-pid, signal); // detached: true made code-server a process-group leader
  } catch {
    // group already gone
  }
  for (const p of victims) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

/** Descendants of pid, read from /proc (Linux); empty elsewhere. */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parens
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // process exited while we looked
    }
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const child of running) if (child.pid) killTree(child.pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      for (const child of running) if (child.pid) killTree(child.pid, 'SIGTERM');
      // A caller with its own handler (start.ts, run-code-server.ts) decides
      // when to exit; otherwise behave like the default action.
      if (process.listenerCount(signal) <= 1) {
        setTimeout(() => process.exit(128 + (os.constants.signals[signal] ?? 1)), 300);
      }
    });
  }
}

function mergeSettingsFile(file: string, settings: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let existing: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // settings.json with comments or garbage: overwrite with ours
    }
  }
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...settings }, null, 2) + '\n');
}

/** This extension's settings declared `machine` or `machine-overridable` (package.json). */
function machineScopedSettings(): Set<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(findRepoRoot(), 'package.json'), 'utf8')) as { contributes?: { configuration?: unknown } };
  const sections = ([] as { properties?: Record<string, { scope?: string }> }[]).concat((pkg.contributes?.configuration ?? []) as never);
  const keys = new Set<string>();
  for (const section of sections)
    for (const [key, schema] of Object.entries(section.properties ?? {})) if (schema.scope === 'machine' || schema.scope === 'machine-overridable') keys.add(key);
  return keys;
}

/**
 * The settings: the machine-scoped ones in the remote machine's settings (`<user-data-dir>/Machine/settings.json`),
 * the others in the user settings. A code-server window is a remote window, where VS Code reads a machine-scoped
 * setting from the remote settings and ignores its user value; written to the user settings, it was seen or not
 * depending on timing (a cluster panel restored after a reload then said "no kubeconfig", now and then).
 */
function mergeSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const machine = machineScopedSettings();
  const pick = (remote: boolean) => Object.fromEntries(Object.entries(settings).filter(([key]) => machine.has(key) === remote));
  mergeSettingsFile(path.join(userDataDir, 'User', 'settings.json'), pick(false));
  const remote = pick(true);
  if (Object.keys(remote).length) mergeSettingsFile(path.join(userDataDir, 'Machine', 'settings.json'), remote);
}

export function codeServerEntry(dir: string): string {
  return path.join(dir, 'out', 'node', 'entry.js');
}

/** Start code-server; resolves once it prints "HTTP server listening". */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServerHandle> {
  const debug = !!process.env.K8SG_EDITOR_DEBUG;
  const dir = await ensureCodeServerRuntime();
  const versions = codeServerVersions(dir);

  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-code-server-'));
  const userDataDir = path.resolve(options.userDataDir ?? path.join(tempRoot, 'user-data'));
  const extensionsDir = path.resolve(options.extensionsDir ?? path.join(tempRoot, 'extensions'));
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  if (options.settings) mergeSettings(userDataDir, options.settings);
  // An empty config file keeps code-server from writing ~/.config/code-server/config.yaml.
  const configFile = path.join(tempRoot, 'config.yaml');
  fs.writeFileSync(configFile, '# written by k8s-guardrails scripts/editor/code-server.ts\nauth: none\n');

  const port = options.port ?? 0;
  const args = [
    '-r',
    path.join(__dirname, 'argon2-preload.js'),
    codeServerEntry(dir),
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  args.push(...(options.extraArgs ?? []));
  if (options.workspace) args.push(path.resolve(options.workspace));

  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // Variables that would make code-server misbehave when we run inside
  // another code-server / VS Code terminal or under `PORT=...`.
  for (const key of ['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'CODE_SERVER_PARENT_PID', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_PROXY_URI']) {
    delete env[key];
  }

  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHandlers();

  let output = '';
  const onOutput = options.onOutput ?? (debug ? (text: string) => process.stderr.write(`[code-server] ${text}`) : undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : null));
    });
    child.on('error', (err) => {
      output += `spawn error: ${err.message}\n`;
      running.delete(child);
      resolve(null);
    });
  });

  const listening = new Promise<number>((resolve, reject) => {
    const onData = (buf: Buffer): void => {
      const text = buf.toString('utf8');
      output += text;
      onOutput?.(text);
      const match = /HTTP server listening on https?:\/\/[^\s/]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`code-server exited (code ${code}) before it was listening.\n--- code-server output ---\n${output}`)));
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        killTree(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid && killTree(child.pid, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      // Extension hosts and watchers sometimes outlive the server briefly.
      if (child.pid) killTree(child.pid, 'SIGKILL');
      const keep = options.keepTempDirs ?? !!process.env.K8SG_EDITOR_KEEP_TEMP;
      if (!keep) fs.rmSync(tempRoot, { recursive: true, force: true });
    })();
    return stopped;
  };

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`code-server did not print "HTTP server listening" within ${timeoutMs / 1000} s.\n--- code-server output ---\n${output}`)),
      timeoutMs,
    );
  });
  let actualPort: number;
  try {
    actualPort = await Promise.race([listening, timeout]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    pid: child.pid!,
    userDataDir,
    extensionsDir,
    versions,
    output: () => output,
    exited,
    stop,
  };
}

/**
 * Installs a .vsix into `extensionsDir` the way a user does (`code-server
 * --install-extension`), offline. Resolves with the CLI's output; rejects if it fails.
 */
export async function installExtension(vsix: string, extensionsDir: string): Promise<string> {
  const dir = await ensureCodeServerRuntime();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-install-user-data-'));
  fs.mkdirSync(extensionsDir, { recursive: true });
  try {
    const args = ['-r', path.join(__dirname, 'argon2-preload.js'), codeServerEntry(dir), '--install-extension', path.resolve(vsix), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force'];
    const r = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', (code) => resolve({ code, output }));
      child.on('error', (err) => resolve({ code: null, output: `${output}${err.message}` }));
    });
    if (r.code !== 0) throw new Error(`code-server --install-extension ${vsix} failed (code ${r.code}):\n${r.output}`);
    return r.output;
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** vscode-remote:// URI that code-server's workbench resolves to a path on this machine. */
export function remoteUri(handle: Pick<CodeServerHandle, 'port'>, absPath: string): string {
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${handle.port}${p}`;
}

/**
 * URL that opens `folder` with an extension under development and, if given,
 * an extension-host test entry (the @vscode/test-electron `run()` contract).
 */
export function workbenchUrl(
  handle: Pick<CodeServerHandle, 'port' | 'url'>,
  opts: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string },
): string {
  const params: string[] = [];
  if (opts.folder) params.push(`folder=${encodeURIComponent(path.resolve(opts.folder))}`);
  const payload: Array<[string, string]> = [];
  if (opts.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(handle, opts.extensionDevelopmentPath)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(handle, opts.extensionTestsPath)]);
  if (payload.length) params.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${handle.url}${params.length ? `?${params.join('&')}` : ''}`;
}
