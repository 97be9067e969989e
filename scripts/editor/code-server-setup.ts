/**
 * Makes the npm-installed code-server runnable.
 *
 * `npm install code-server` normally runs the package's postinstall.sh,
 * which installs VS Code's own server dependencies into
 * node_modules/code-server/lib/vscode/node_modules (pure JS such as
 * @microsoft/1ds-core-js, and native addons such as @vscode/spdlog,
 * node-pty, native-watchdog). npm 11 skips dependency install scripts, so
 * after `npm ci` that folder does not exist and every page request fails with
 * "Cannot find package '@microsoft/1ds-core-js' imported from
 * .../lib/vscode/out/server-main.js".
 *
 * This module does what postinstall.sh would have done, minus the parts that
 * need the internet beyond the npm registry:
 *   1. `npm ci --omit=dev --ignore-scripts` in lib/vscode (uses its
 *      npm-shrinkwrap.json, so versions are exactly code-server's);
 *   2. `npm rebuild` of the native addons the Linux server uses (node-gyp
 *      against Node's local headers; g++/make/python3 are on the machine);
 *   3. @vscode/ripgrep's binary: its postinstall downloads from GitHub, which
 *      is unreachable, so bin/rg is linked to the system ripgrep (apt);
 *   4. the node_modules.asar link and the bin script links postinstall.sh makes;
 *   5. `npm ci --omit=dev --ignore-scripts` in lib/vscode/extensions (the
 *      TypeScript used by the built-in TS extension; optional).
 * argon2 (a code-server dependency, only for password auth) is not built:
 * argon2-preload.ts stubs it, since we always run with --auth none.
 *
 * Idempotent and guarded by a lock directory so parallel launchers do not
 * race. Takes about 40 s the first time; then a marker file makes it a no-op.
 *
 * Run it on its own: `node out/scripts/editor/code-server-setup.js`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

const NPM_INSTALL_ARGS = ['install', '--omit=dev', '--ignore-scripts', '--no-save', '--no-audit', '--no-fund'];
export const MARKER_NAME = '.k8s-guardrails-setup.json';
const SETUP_FORMAT = 1;

export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string };
        if (json.name === 'k8s-guardrails') return dir;
      } catch {
        // not JSON we understand: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the k8s-guardrails repository root above ${from}`);
    }
    dir = parent;
  }
}

export function codeServerDir(repoRoot: string = findRepoRoot()): string {
  const direct = path.join(repoRoot, 'node_modules', 'code-server');
  if (fs.existsSync(path.join(direct, 'package.json'))) return direct;
  try {
    return path.dirname(require.resolve('code-server/package.json', { paths: [repoRoot] }));
  } catch {
    throw new Error(
      `code-server is not installed under ${repoRoot}/node_modules. Run \`npm ci\` (it is a devDependency, pinned to 4.100.3).`,
    );
  }
}

export interface CodeServerVersions {
  codeServer: string;
  vscode: string;
  commit: string;
}

export function codeServerVersions(dir: string = codeServerDir()): CodeServerVersions {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  const product = JSON.parse(fs.readFileSync(path.join(dir, 'lib', 'vscode', 'product.json'), 'utf8')) as {
    version?: string;
    commit?: string;
  };
  return { codeServer: pkg.version, vscode: product.version ?? 'unknown', commit: product.commit ?? 'unknown' };
}

/** Native addons (package name, built file relative to the package, required?) */
const NATIVE_ADDONS: Array<{ name: string; file: string; required: boolean }> = [
  { name: '@vscode/spdlog', file: 'build/Release/spdlog.node', required: true },
  { name: 'native-watchdog', file: 'build/Release/watchdog.node', required: false },
  { name: 'node-pty', file: 'build/Release/pty.node', required: false },
  { name: '@vscode/deviceid', file: 'build/Release/windows.node', required: false },
];

export function isCodeServerReady(dir: string = codeServerDir()): boolean {
  const nm = path.join(dir, 'lib', 'vscode', 'node_modules');
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(nm, MARKER_NAME), 'utf8')) as { format?: number };
    return marker.format === SETUP_FORMAT && fs.existsSync(path.join(nm, '@microsoft', '1ds-core-js', 'package.json'));
  } catch {
    return false;
  }
}

/** Environment for nested npm runs: drop what an outer `npm run` injected. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(lifecycle_|package_|command$|execpath$|node_execpath$|config_local_prefix$|config_prefix$|config_global$|config_ignore_scripts$)/i.test(key)) {
      continue;
    }
    env[key] = value;
  }
  return env;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  log: (line: string) => void,
): { ok: boolean; output: string } {
  log(`$ (cd ${cwd} && ${cmd} ${args.join(' ')})`);
  const result = spawnSync(cmd, args, { cwd, env: npmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { ok: result.status === 0, output };
}

function symlinkForce(target: string, linkPath: string): void {
  try {
    fs.rmSync(linkPath, { recursive: true, force: true });
  } catch {
    // nothing to remove
  }
  fs.symlinkSync(target, linkPath);
}

function findOnPath(binary: string, pathEnv: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withLock<T>(lockDir: string, log: (line: string) => void, fn: () => T): Promise<T> {
  const deadline = Date.now() + 10 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // lock being created right now; treat as alive for a moment
      }
      const stat = fs.statSync(lockDir, { throwIfNoEntry: false });
      const ageMs = stat ? Date.now() - stat.mtimeMs : 0;
      if ((Number.isFinite(owner) && !pidAlive(owner)) || (!Number.isFinite(owner) && ageMs > 30_000)) {
        log(`removing stale setup lock ${lockDir}`);
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(`waiting for another process (pid ${owner}) to finish setting up code-server...`);
        announced = true;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for code-server setup lock ${lockDir}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Where VS Code (inside code-server) runs ripgrep from: `@vscode/ripgrep`'s bin/rg. */
export function bundledRipgrep(dir: string = codeServerDir()): string {
  return path.join(dir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
}

/** True when code-server's ripgrep runs (a dangling link or a missing file does not). */
export function ripgrepWorks(dir: string = codeServerDir()): boolean {
  try {
    fs.accessSync(bundledRipgrep(dir), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const RIPGREP_MISSING = [
  'ripgrep (`rg`) is not on PATH. VS Code uses it for Go to File (Ctrl-P) and search;',
  "code-server's own copy is downloaded from GitHub at install time, which npm skipped here.",
  '  Install it:  apt-get update && apt-get install -y ripgrep   (.ci/run installs it)',
].join('\n');

/**
 * `@vscode/ripgrep`'s postinstall downloads rg from GitHub, which does not work
 * here: link Debian's `rg` in its place. Checked on every start, not only at
 * the one-time setup, so installing ripgrep later is enough. Returns whether
 * code-server's ripgrep works afterwards.
 */
export function linkRipgrep(dir: string, log: (line: string) => void = () => undefined, pathEnv: string | undefined = process.env.PATH): boolean {
  const target = bundledRipgrep(dir);
  if (ripgrepWorks(dir)) return true;
  if (!fs.existsSync(path.dirname(path.dirname(target)))) return false; // no @vscode/ripgrep package at all
  const systemRg = findOnPath('rg', pathEnv);
  if (!systemRg) {
    log(`warning: ${RIPGREP_MISSING.split('\n')[0]}`);
    return false;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  symlinkForce(systemRg, target);
  log(`linked ${systemRg} as code-server's ripgrep`);
  return ripgrepWorks(dir);
}

export interface EnsureOptions {
  log?: (line: string) => void;
  /** Re-run the setup even if the marker says it is done. */
  force?: boolean;
}

/**
 * Make sure code-server's VS Code server dependencies are installed.
 * Returns the code-server package directory.
 */
export async function ensureCodeServerRuntime(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[code-server setup] ${line}\n`));
  const dir = codeServerDir();
  if (!options.force && isCodeServerReady(dir)) {
    linkRipgrep(dir, log); // rg may have been installed after the one-time setup
    return dir;
  }

  const vscodeDir = path.join(dir, 'lib', 'vscode');
  await withLock(path.join(vscodeDir, '.k8s-guardrails-setup.lock'), log, () => {
    if (!options.force && isCodeServerReady(dir)) return; // someone else finished while we waited
    const started = Date.now();
    log(`code-server's VS Code dependencies are missing (npm skipped its postinstall); installing them into ${vscodeDir}/node_modules (one-time, ~40 s)`);

    // Not `npm ci`: code-server 4.100.3 ships a shrinkwrap that is slightly out
    // of sync with its package.json (tslib), which `npm ci` refuses.
    // `--no-save` reads the shrinkwrap but writes neither it nor package.json.
    const install = run('npm', NPM_INSTALL_ARGS, vscodeDir, log);
    if (!install.ok) {
      throw new Error(`installing code-server's VS Code dependencies failed:\n${install.output.slice(-4000)}`);
    }

    const nm = path.join(vscodeDir, 'node_modules');
    for (const addon of NATIVE_ADDONS) {
      const pkgDir = path.join(nm, addon.name);
      if (!fs.existsSync(pkgDir)) continue;
      const built = path.join(pkgDir, addon.file);
      const rebuild = run('npm', ['rebuild', addon.name, '--ignore-scripts=false', '--foreground-scripts'], vscodeDir, log);
      // (--ignore-scripts=false: the project's .npmrc sets ignore-scripts=true
      // and an outer `npm run` may pass it down as npm_config_ignore_scripts.)
      // node-pty's own post-install step fails (it runs `npx node-gyp`, which
      // needs a prompt) after its addon has been built: judge by the file.
      if (!fs.existsSync(built)) {
        const message = `native addon ${addon.name} did not build (${built} missing):\n${rebuild.output.slice(-4000)}`;
        if (addon.required) throw new Error(message);
        log(`warning: ${message.split('\n')[0]}`);
      }
    }

    linkRipgrep(dir, log);

    symlinkForce('node_modules', path.join(vscodeDir, 'node_modules.asar'));
    const remoteCli = path.join(vscodeDir, 'bin', 'remote-cli');
    if (fs.existsSync(path.join(remoteCli, 'code-linux.sh'))) symlinkForce('code-linux.sh', path.join(remoteCli, 'code-server'));
    const helpers = path.join(vscodeDir, 'bin', 'helpers');
    if (fs.existsSync(path.join(helpers, 'browser-linux.sh'))) symlinkForce('browser-linux.sh', path.join(helpers, 'browser.sh'));

    const extDir = path.join(vscodeDir, 'extensions');
    if (fs.existsSync(path.join(extDir, 'package.json')) && !fs.existsSync(path.join(extDir, 'node_modules', 'typescript'))) {
      const ext = run('npm', NPM_INSTALL_ARGS, extDir, log);
      if (!ext.ok) log(`warning: built-in extensions' dependencies did not install (only the TypeScript extension needs them)`);
    }

    fs.writeFileSync(
      path.join(nm, MARKER_NAME),
      JSON.stringify({ format: SETUP_FORMAT, date: new Date().toISOString(), node: process.version }, null, 2) + '\n',
    );
    log(`code-server runtime ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  return dir;
}

if (require.main === module) {
  ensureCodeServerRuntime({ force: process.argv.includes('--force') }).then(
    (dir) => {
      const v = codeServerVersions(dir);
      process.stdout.write(`code-server ${v.codeServer} (VS Code ${v.vscode}) is ready: ${dir}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
