/**
 * Runs a mocha suite inside the VS Code extension host.
 *
 * An extension-host test entry (the file passed as extensionTestsPath) must
 * export `run(): Promise<void>`; VS Code calls it once the workbench is up and
 * reports "passed" when it resolves, "failed" when it rejects. The real
 * suite's entry can be just:
 *
 *   import * as path from 'path';
 *   import { runMochaSuite } from '../launchers/mocha-runner';
 *   export function run(): Promise<void> {
 *     return runMochaSuite(path.join(__dirname));   // every *.test.js below
 *   }
 *
 * Output: mocha's spec reporter writes through console.log. Inside the
 * code-server extension host console.* goes over RPC to the browser page (as
 * "%c[Extension Host] ..." console messages), not to any terminal, so when
 * the launcher sets K8SG_TEST_OUTPUT=<file> everything the suite prints
 * (reporter lines, console.*, and process.stdout/stderr writes, which the
 * extension host turns into console calls line by line) is also appended
 * synchronously to that file, which run-code-server.ts tails to its stdout. Under @vscode/test-electron the variable is unset and the
 * desktop extension host prints to the terminal itself.
 *
 * Environment (all optional): K8SG_MOCHA_GREP (only tests whose full title
 * matches), K8SG_MOCHA_TIMEOUT (ms per test, default 30000).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha = require('mocha');

export interface MochaSuiteOptions {
  ui?: 'bdd' | 'tdd';
  /** Per-test timeout in ms (default K8SG_MOCHA_TIMEOUT or 30000). */
  timeout?: number;
  /** Only run tests whose full title matches. Default K8SG_MOCHA_GREP. */
  grep?: string | RegExp;
  /** File name filter used when `files` is not given. Default: /\.test\.js$/ */
  pattern?: RegExp;
}

/** Files under dir (recursively) whose base name matches pattern, sorted. */
function findTestFiles(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (pattern.test(entry.name)) {
        found.push(full);
      }
    }
  };
  walk(dir);
  return found.sort();
}

type Write = typeof process.stdout.write;

/** Tee console.*, mocha's reporter and process.stdout/stderr into a file; returns the undo function. */
export function teeOutputToFile(file: string): () => void {
  const append = (text: string): void => {
    try {
      fs.appendFileSync(file, text);
    } catch {
      // the launcher's temp dir vanished: nothing useful to do
    }
  };
  let inConsole = false; // console.log may itself call process.stdout.write: write once
  const restore: Array<() => void> = [];

  // The extension host defines console.* as accessors whose setter ignores
  // assignments (extHostConsoleForwarder), and wraps process.stdout/stderr
  // .write to forward to console: plain assignment silently does nothing, so
  // redefine the properties and put the original descriptors back afterwards.
  const override = (target: object, key: string, value: unknown): void => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: descriptor?.enumerable ?? true });
    restore.push(() => {
      if (descriptor) Object.defineProperty(target, key, descriptor);
      else delete (target as Record<string, unknown>)[key];
    });
  };

  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    override(console, method, (...args: unknown[]): void => {
      append(util.format(...args) + '\n');
      inConsole = true;
      try {
        original.apply(console, args);
      } finally {
        inConsole = false;
      }
    });
  }

  // mocha's reporters print through Base.consoleLog, captured at load time.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  override(base, 'consoleLog', (...args: unknown[]): void => console.log(...args));

  // process.stdout/stderr.write: in the extension host they are
  // non-configurable accessors that already forward each line to console.*
  // (and so into the tee above). Elsewhere (plain node) wrap them; inConsole
  // keeps console output from being written twice.
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    try {
      override(stream, 'write', function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
        if (!inConsole) append(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      } as Write);
    } catch {
      // "Cannot redefine property: write": the extension host's forwarder is in place
    }
  }
  return () => restore.reverse().forEach((undo) => undo());
}

function describeHost(): string {
  let editor = 'no vscode API';
  try {
    // Only resolvable inside the extension host.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vscode = require('vscode') as typeof import('vscode');
    editor = `VS Code ${vscode.version} (${vscode.env.appName}, ui ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`;
  } catch {
    // plain node
  }
  return `${editor}, Node ${process.version}, extension host pid ${process.pid}`;
}

/**
 * Run the mocha test files under testsRoot (all files matching
 * options.pattern, default *.test.js) or the given files (absolute, or
 * relative to testsRoot). Resolves when every test passed; rejects with the
 * failure count otherwise.
 */
export async function runMochaSuite(testsRoot: string, files?: string[], options: MochaSuiteOptions = {}): Promise<void> {
  const outputFile = process.env.K8SG_TEST_OUTPUT;
  const undoTee = outputFile ? teeOutputToFile(outputFile) : undefined;
  try {
    const grep = options.grep ?? process.env.K8SG_MOCHA_GREP;
    const mocha = new Mocha({
      ui: options.ui ?? 'bdd',
      color: false,
      reporter: 'spec',
      timeout: options.timeout ?? Number(process.env.K8SG_MOCHA_TIMEOUT ?? 30_000),
      ...(grep ? { grep } : {}),
    });
    const testFiles = files
      ? files.map((f) => path.resolve(testsRoot, f))
      : findTestFiles(testsRoot, options.pattern ?? /\.test\.js$/);
    if (testFiles.length === 0) {
      throw new Error(`no test files found under ${testsRoot}`);
    }
    for (const file of testFiles) mocha.addFile(file);
    console.log(`[mocha-runner] ${describeHost()}; ${testFiles.length} test file(s) from ${testsRoot}`);

    const failures = await new Promise<number>((resolve, reject) => {
      try {
        const runner = mocha.run((count) => {
          // For the test orchestrator's combined "N passed, N failed" line.
          const summary = process.env.K8SG_TEST_SUMMARY;
          if (summary) {
            const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
            fs.writeFileSync(summary, JSON.stringify({ passes, failures, pending }));
          }
          resolve(count);
        });
      } catch (err) {
        reject(err);
      }
    });
    if (failures > 0) {
      throw new Error(`${failures} test(s) failed`);
    }
  } catch (err) {
    console.error(`[mocha-runner] ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    throw err;
  } finally {
    undoTee?.();
  }
}
