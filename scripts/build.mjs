// Bundles the extension client, the language server/CLI (one bundle) with esbuild.
// Usage: node scripts/build.mjs [--watch] [--minify] [--metafile=DIR] [--no-write] [--only=PREFIX]
//   --metafile=DIR  writes esbuild's metafile of each bundle to DIR/<dir>-<name>.json (its inputs, output bytes;
//                   e.g. client/out/cluster.js → client-cluster.json), as test/unit/client-bundle.test.ts reads;
//   --no-write      bundles in memory only (with --metafile: inspect the bundles without touching out/);
//   --only=PREFIX   only the bundles whose output path starts with PREFIX (e.g. client/out/).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');
const metafileDir = process.argv.find((a) => a.startsWith('--metafile='))?.slice('--metafile='.length);
const write = !process.argv.includes('--no-write');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify,
  logLevel: write ? 'info' : 'warning',
  write,
  metafile: !!metafileDir,
  define: { K8S_GUARDRAILS_VERSION: JSON.stringify(pkg.version) },
};

const allBuilds = [
  // cluster.js is loaded by extension.js at run time (kept out of the activation path).
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode', './cluster.js'] },
  { ...common, entryPoints: ['client/src/cluster-entry.ts'], outfile: 'client/out/cluster.js', external: ['vscode'] },
  // main.js (entry.ts) loads lsp.js for `lsp`, cli.js for anything else: each mode compiles only its own code.
  { ...common, entryPoints: ['server/src/entry.ts'], outfile: 'server/out/main.js' },
  { ...common, entryPoints: ['server/src/main.ts'], outfile: 'server/out/cli.js' },
  { ...common, entryPoints: ['server/src/lsp/server.ts'], outfile: 'server/out/lsp.js' },
  // The language server's schema worker (worker_threads; lsp.js starts it from the file next to it).
  { ...common, entryPoints: ['server/src/schema/worker.ts'], outfile: 'server/out/schema-worker.js' },
  // `k8s-guardrails cluster …`: with @kubernetes/client-node, required by main.js only for that command.
  { ...common, entryPoints: ['server/src/cli/cluster-ops.ts'], outfile: 'server/out/cluster-cli.js' },
];
const builds = allBuilds.filter((b) => !only || b.outfile.startsWith(only));

// The cluster panel's icon font ships inside the extension (node_modules is not packaged).
const codicons = new URL('../node_modules/@vscode/codicons/dist/', import.meta.url);
if (write && existsSync(codicons)) {
  const target = new URL('../client/out/codicons/', import.meta.url);
  mkdirSync(target, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(new URL(f, codicons), new URL(f, target));
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  if (metafileDir) {
    mkdirSync(metafileDir, { recursive: true });
    // e.g. client/out/extension.js → client-extension.json
    results.forEach((r, i) => writeFileSync(path.join(metafileDir, `${builds[i].outfile.split('/')[0]}-${path.basename(builds[i].outfile, '.js')}.json`), JSON.stringify(r.metafile)));
  }
}
