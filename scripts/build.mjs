// Bundles the extension client, the language server/CLI (one bundle) with esbuild.
// Usage: node scripts/build.mjs [--watch] [--minify]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify,
  logLevel: 'info',
  define: { K8S_GUARDRAILS_VERSION: JSON.stringify(pkg.version) },
};

const builds = [
  // cluster.js is loaded by extension.js at run time (kept out of the activation path).
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode', './cluster.js'] },
  { ...common, entryPoints: ['client/src/cluster-entry.ts'], outfile: 'client/out/cluster.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/main.ts'], outfile: 'server/out/main.js' },
  // `k8s-guardrails cluster …`: with @kubernetes/client-node, required by main.js only for that command.
  { ...common, entryPoints: ['server/src/cli/cluster-ops.ts'], outfile: 'server/out/cluster-cli.js' },
];

// The cluster panel's icon font ships inside the extension (node_modules is not packaged).
const codicons = new URL('../node_modules/@vscode/codicons/dist/', import.meta.url);
if (existsSync(codicons)) {
  const target = new URL('../client/out/codicons/', import.meta.url);
  mkdirSync(target, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(new URL(f, codicons), new URL(f, target));
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
