/**
 * `npm start`: VS Code 1.100.3 (code-server) on 127.0.0.1 with this
 * extension loaded from the working tree, for trying it by hand.
 *
 *   node out/scripts/editor/start.js [workspace]
 *       [--port=<n>]                 default K8SG_PORT or a free port
 *       [--settings=<json>]          extra user settings, e.g.
 *                                    '{"k8sGuardrails.cluster.kubeconfig":"/tmp/demo/kubeconfig"}'
 *       [--settings-file=<file>]     the same from a JSON file
 *       [--kubeconfig=<file>]        shorthand for k8sGuardrails.cluster.kubeconfig
 *       [--extension=<dir>]          extension to load (default: the repository root)
 *       [--user-data-dir=<dir>]      keep VS Code state between runs (default: fresh temp dir)
 *       [--untrusted]                keep Workspace Trust on (restricted mode until you trust the folder)
 *       [--no-demo-cluster]          do not start the simulated demo cluster
 *       [--in-place]                 open a workspace inside the repository itself instead of a copy
 *       [--dry-run]                  prepare the workspace, check ripgrep, print both as JSON and exit
 *
 * Unless --kubeconfig (or a k8sGuardrails.cluster.kubeconfig setting) is given
 * or --no-demo-cluster, a simulated Kubernetes API server with the demo seed
 * (test/simulator) is started on 127.0.0.1 with a generated kubeconfig in a
 * temp dir, and k8sGuardrails.cluster.kubeconfig points at it: the cluster
 * commands never touch your real kubeconfig by default.
 *
 * workspace defaults to <repo>/examples. A workspace inside the repository
 * (examples/) is opened as a fresh copy in a temp folder, deleted on exit, so
 * fixes tried in the demo never rewrite the repository (--in-place opts out);
 * a folder outside the repository is opened as it is. VS Code's Go to File
 * and search need ripgrep: without `rg` on PATH, start stops with a message
 * saying how to install it. K8SG_START_SETTINGS (JSON) is
 * merged under --settings. The extension is loaded the way F5 does it, as an
 * extension under development (the `payload` query of the printed URL), so
 * reloading the page (Developer: Reload Window) picks up a rebuilt extension.
 * Ctrl-C stops code-server and everything it started.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { startCodeServer, workbenchUrl } from './code-server';
import { ensureCodeServerRuntime, findRepoRoot, RIPGREP_MISSING, ripgrepWorks } from './code-server-setup';
import type { Simulator } from '../../test/simulator/server';

function argValue(argv: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith(prefix)) return argv[i].slice(prefix.length);
    if (argv[i] === `--${name}` && i + 1 < argv.length && !argv[i + 1].startsWith('--')) return argv[i + 1];
  }
  return undefined;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export interface StartOptions {
  workspace: string;
  extension: string;
  port: number;
  settings: Record<string, unknown>;
  userDataDir?: string;
  untrusted: boolean;
  /** Start the simulated demo cluster and point k8sGuardrails.cluster.kubeconfig at it. */
  demoCluster: boolean;
  /** Open a workspace inside the repository itself, not a copy. */
  inPlace: boolean;
  /** Prepare and check, print JSON, do not start code-server. */
  dryRun: boolean;
}

export interface PreparedWorkspace {
  /** The folder code-server opens. */
  workspace: string;
  /** The folder it was copied from, when it is a copy. */
  copiedFrom?: string;
  /** Removes the copy (no-op otherwise). */
  cleanup(): void;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A workspace inside the repository is copied into a new temp folder (same
 * base name), so that the demo's edits and quick fixes never touch the
 * repository; anything else (or --in-place) is used as it is.
 */
export function prepareWorkspace(workspace: string, opts: { inPlace?: boolean; repo?: string } = {}): PreparedWorkspace {
  if (!fs.existsSync(workspace)) throw new Error(`workspace ${workspace} does not exist`);
  const repo = opts.repo ?? findRepoRoot();
  if (opts.inPlace || !isInside(fs.realpathSync(workspace), fs.realpathSync(repo))) return { workspace, cleanup: () => undefined };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-demo-'));
  const copy = path.join(root, path.basename(workspace));
  fs.cpSync(workspace, copy, { recursive: true });
  return { workspace: copy, copiedFrom: workspace, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export function parseStartOptions(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): StartOptions {
  const repo = findRepoRoot();
  const valueFlags = new Set(['port', 'settings', 'settings-file', 'kubeconfig', 'extension', 'user-data-dir']);
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      if (!a.includes('=') && valueFlags.has(a.slice(2))) i++;
      continue;
    }
    positional.push(a);
  }
  const settings: Record<string, unknown> = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  };
  if (env.K8SG_START_SETTINGS) Object.assign(settings, parseJsonObject(env.K8SG_START_SETTINGS, 'K8SG_START_SETTINGS'));
  const settingsFile = argValue(argv, 'settings-file');
  if (settingsFile) Object.assign(settings, parseJsonObject(fs.readFileSync(settingsFile, 'utf8'), settingsFile));
  const settingsArg = argValue(argv, 'settings');
  if (settingsArg) Object.assign(settings, parseJsonObject(settingsArg, '--settings'));
  const kubeconfig = argValue(argv, 'kubeconfig');
  if (kubeconfig) settings['k8sGuardrails.cluster.kubeconfig'] = path.resolve(kubeconfig);
  const untrusted = argv.includes('--untrusted');
  if (untrusted) settings['security.workspace.trust.enabled'] = true;
  const userDataDir = argValue(argv, 'user-data-dir');
  const demoCluster = !argv.includes('--no-demo-cluster') && !settings['k8sGuardrails.cluster.kubeconfig'];
  return {
    workspace: path.resolve(positional[0] ?? path.join(repo, 'examples')),
    extension: path.resolve(argValue(argv, 'extension') ?? repo),
    port: Number(argValue(argv, 'port') ?? env.K8SG_PORT ?? 0),
    settings,
    userDataDir: userDataDir ? path.resolve(userDataDir) : undefined,
    untrusted,
    demoCluster,
    inPlace: argv.includes('--in-place'),
    dryRun: argv.includes('--dry-run'),
  };
}

function warnIfNotBuilt(extension: string): void {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8')) as { main?: string; browser?: string };
    const entry = pkg.main ?? pkg.browser;
    if (entry) {
      const file = path.resolve(extension, entry);
      if (!fs.existsSync(file) && !fs.existsSync(`${file}.js`)) {
        process.stderr.write(`warning: the extension's entry ${file} does not exist yet; build the extension first, or it will not activate.\n`);
      }
    }
  } catch {
    process.stderr.write(`warning: ${extension}/package.json is missing or unreadable: no extension will load.\n`);
  }
}

export async function start(opts: StartOptions): Promise<void> {
  const prepared = prepareWorkspace(opts.workspace, { inPlace: opts.inPlace });
  try {
    await startIn({ ...opts, workspace: prepared.workspace }, prepared);
  } finally {
    prepared.cleanup();
  }
}

async function startIn(opts: StartOptions, prepared: PreparedWorkspace): Promise<void> {
  const ripgrep = ripgrepWorks(await ensureCodeServerRuntime());
  if (opts.dryRun) {
    process.stdout.write(`${JSON.stringify({ workspace: prepared.workspace, copiedFrom: prepared.copiedFrom ?? null, ripgrep }, null, 2)}\n`);
    return;
  }
  if (!ripgrep) throw new Error(RIPGREP_MISSING);
  warnIfNotBuilt(opts.extension);
  let sim: Simulator | undefined;
  const settings = { ...opts.settings };
  if (opts.demoCluster) {
    // compiled next to this file: out/test/simulator/server.js
    const { startSimulator } = (await import('../../test/simulator/server')) as typeof import('../../test/simulator/server');
    sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
    settings['k8sGuardrails.cluster.kubeconfig'] = sim.kubeconfigPath;
  }
  let server;
  try {
    server = await startCodeServer({
      workspace: opts.workspace,
      port: opts.port,
      settings,
      userDataDir: opts.userDataDir,
      workspaceTrust: opts.untrusted,
    });
  } catch (err) {
    await sim?.close();
    throw err;
  }
  const url = workbenchUrl(server, { folder: opts.workspace, extensionDevelopmentPath: opts.extension });
  const v = server.versions;
  process.stdout.write(
    [
      '',
      `  VS Code ${v.vscode} (code-server ${v.codeServer}) is running with k8s-guardrails loaded from ${opts.extension}`,
      `  workspace: ${opts.workspace}${opts.untrusted ? ' (Workspace Trust on)' : ''}`,
      ...(prepared.copiedFrom ? [`             a copy of ${prepared.copiedFrom}, deleted on exit: the repository is never modified (--in-place to edit it)`] : []),
      `  settings:  ${path.join(server.userDataDir, 'User', 'settings.json')} (machine-scoped ones: ${path.join(server.userDataDir, 'Machine', 'settings.json')})`,
      ...(sim
        ? [
            `  cluster:   simulated demo cluster at ${sim.url} (kubeconfig ${sim.kubeconfigPath}; try "Kubernetes Guardrails: Open Cluster Panel")`,
            `             kubectl --kubeconfig ${sim.kubeconfigPath} get pods -A`,
          ]
        : [`  cluster:   ${String(settings['k8sGuardrails.cluster.kubeconfig'] ?? 'KUBECONFIG / ~/.kube/config (no demo cluster)')}`]),
      '',
      `  Open: ${url}`,
      '',
      '  (this URL loads the extension; the bare one does not)   Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping code-server${sim ? ' and the demo cluster' : ''}...\n`);
    void Promise.allSettled([server.stop(), sim?.close()]).then(() => {
      prepared.cleanup();
      process.exit(0);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const code = await server.exited;
  if (!stopping) {
    process.stderr.write(`code-server exited unexpectedly (code ${code}):\n${server.output().split('\n').slice(-30).join('\n')}\n`);
    await Promise.allSettled([server.stop(), sim?.close()]);
    prepared.cleanup();
    process.exit(1);
  }
}

if (require.main === module) {
  let opts: StartOptions;
  try {
    opts = parseStartOptions();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  start(opts).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
