// Writes server/out/cli.js.cache, the V8 code cache of the CLI's bundle (see server/src/load-bundle.ts):
// a scan of examples/ (every report format) run with K8S_GUARDRAILS_WRITE_CODE_CACHE=1, so the functions a
// scan compiles are in it. Run by scripts/build.mjs after it bundles cli.js (the cache must be made from the
// final bytes: --minify included). Usage: node scripts/code-cache.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cache = path.join(repo, 'server/out/cli.js.cache');
const tmp = mkdtempSync(path.join(tmpdir(), 'k8sg-code-cache-'));
try {
  rmSync(cache, { force: true });
  const formats = ['json', 'sarif', 'text', 'junit', 'github', 'compact'].flatMap((f) => ['--format', `${f}=${path.join(tmp, f)}`]);
  // No rendering: the cache is of our code, and the build must not wait for kubectl or helm.
  const r = spawnSync(process.execPath, [path.join(repo, 'server/out/main.js'), 'scan', 'examples', '--no-config', '--no-kustomize', '--no-helm', ...formats], {
    cwd: repo,
    env: { ...process.env, K8S_GUARDRAILS_WRITE_CODE_CACHE: '1' },
    encoding: 'utf8',
  });
  // Exit 1: examples/ has findings.
  if (r.status !== 1 || !existsSync(cache)) {
    console.error(`code-cache: the scan of examples/ exited ${r.status} and wrote no ${path.relative(repo, cache)}\n${r.stderr}`);
    process.exit(1);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
