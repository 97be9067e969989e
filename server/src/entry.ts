/**
 * server/out/main.js, the one entry point (bin/k8s-guardrails.js, the VS Code
 * client): `lsp` loads the language server's bundle (server/out/lsp.js),
 * anything else the CLI's (server/out/cli.js, from main.ts). A scan then never
 * compiles the language server (yaml-language-server, vscode-languageserver:
 * half the code) and the server never the CLI. From tsc output (no bundles
 * next to this file) the modules themselves are loaded.
 *
 * The CLI's bundle is compiled from its V8 code cache (server/out/cli.js.cache)
 * when there is a valid one (see load-bundle.ts); the build writes it by
 * running a scan with K8S_GUARDRAILS_WRITE_CODE_CACHE=1 (scripts/code-cache.mjs).
 * Not the language server's: it runs in the editor's node, whose V8 differs.
 */
import { loadBundle, writeCodeCacheAtExit } from './load-bundle';

if (process.argv[2] === 'lsp') (loadBundle('lsp.js', 'lsp/server.js') as typeof import('./lsp/server')).startServer();
else if (process.env.K8S_GUARDRAILS_WRITE_CODE_CACHE === '1') writeCodeCacheAtExit('cli.js');
else loadBundle('cli.js', 'main.js', { codeCache: true });
