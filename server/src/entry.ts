/**
 * server/out/main.js, the one entry point (bin/k8s-guardrails.js, the VS Code
 * client): `lsp` loads the language server's bundle (server/out/lsp.js),
 * anything else the CLI's (server/out/cli.js, from main.ts). A scan then never
 * compiles the language server (yaml-language-server, vscode-languageserver:
 * half the code) and the server never the CLI. From tsc output (no bundles
 * next to this file) the modules themselves are loaded.
 */
import { loadBundle } from './load-bundle';

if (process.argv[2] === 'lsp') (loadBundle('lsp.js', 'lsp/server.js') as typeof import('./lsp/server')).startServer();
else loadBundle('cli.js', 'main.js');
