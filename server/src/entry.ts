/**
 * server/out/main.js, the one entry point (bin/k8s-guardrails.js, the VS Code
 * client): `lsp` loads the language server's bundle (server/out/lsp.js),
 * anything else the CLI's (server/out/cli.js, from main.ts). A scan then never
 * compiles the language server (yaml-language-server, vscode-languageserver:
 * half the code) and the server never the CLI. From tsc output (no bundles
 * next to this file) the modules themselves are loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function load(bundle: string, module: string): unknown {
  const bundled = path.join(__dirname, bundle);
  // Computed paths: esbuild leaves them to run time, so each bundle stays out of this one.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(fs.existsSync(bundled) ? bundled : path.join(__dirname, module));
}

if (process.argv[2] === 'lsp') (load('lsp.js', 'lsp/server.js') as typeof import('./lsp/server')).startServer();
else load('cli.js', 'main.js');
