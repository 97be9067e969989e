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

/** How much lower the CLI's helper threads run than its main thread (Linux nice levels). */
const HELPER_NICENESS = 10;

/**
 * The CLI's work is on its main thread; V8's helper threads (the optimising compiler, the garbage
 * collector's parallel and concurrent tasks) come in bursts, and on a 2-core CI runner two of them preempt
 * the main thread, which then waits. On Linux each thread has its own nice level: the helpers get
 * HELPER_NICENESS more than the main thread, so they run when it does not need the core. The 10,000-resource
 * scan took 80–100 ms less on 2 cores (issue #24). The language server is left as it is.
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

if (process.argv[2] === 'lsp') (loadBundle('lsp.js', 'lsp/server.js') as typeof import('./lsp/server')).startServer();
else {
  helpersYieldToMainThread();
  loadBundle('cli.js', 'main.js');
}
