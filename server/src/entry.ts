/**
 * server/out/main.js, the one entry point (bin/k8s-guardrails.js, the VS Code
 * client): `lsp` loads the language server's bundle (server/out/lsp.js),
 * anything else the CLI's (server/out/cli.js, from main.ts). A scan then never
 * compiles the language server (yaml-language-server, vscode-languageserver:
 * half the code) and the server never the CLI. From tsc output (no bundles
 * next to this file) the modules themselves are loaded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { loadBundle } from './load-bundle';

/** How much lower V8's helper threads run than the main thread (Linux nice levels). */
const HELPER_NICENESS = 10;

/**
 * The work is on the main thread; V8's helper threads (the optimising compiler, the garbage collector's
 * parallel and concurrent tasks) come in bursts, and on a 2-core machine two of them preempt the main
 * thread, which then waits. On Linux each thread has its own nice level: the helpers get HELPER_NICENESS
 * more than the main thread, so they run when it does not need the core. The CLI's 10,000-resource scan
 * took 80–100 ms less on 2 cores; in the language server, the re-lint after a one-line edit of a
 * 5,000-line file went from p50 14 / p95 28 ms to 12 / 23 ms (two series of interleaved runs of 40 edits; the
 * schema worker's own garbage collection runs on these threads too). Threads started later
 * (the schema worker lowers its own, libuv's pool) keep their level.
 */
function helpersYieldToMainThread(): void {
  if (process.platform !== 'linux') return;
  try {
    const nice = os.getPriority(process.pid) + HELPER_NICENESS;
    for (const tid of fs.readdirSync('/proc/self/task')) if (Number(tid) !== process.pid) os.setPriority(Number(tid), Math.min(19, nice));
  } catch {
    // /proc not mounted, or a sandbox refusing setpriority: the threads keep their level.
  }
}

helpersYieldToMainThread();
if (process.argv[2] === 'lsp') (loadBundle('lsp.js', 'lsp/server.js') as typeof import('./lsp/server')).startServer();
else loadBundle('cli.js', 'main.js');
