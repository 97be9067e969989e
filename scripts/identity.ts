/**
 * `npm run identity -- --record DIR` / `-- --compare DIR`: runs the built CLI
 * (`k8s-guardrails scan --format json`, and SARIF) on every input the
 * project has — the 10,000-resource bench corpus (one file and split),
 * `examples/`, each fixture family and each real-world project — and writes
 * the outputs to DIR, or compares them byte for byte with a recording made
 * earlier (for refactors that must not change behaviour: record on the old
 * commit, compare on the new one). Exit status: 0 identical (or recorded),
 * 1 differences, 2 usage error.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from './bench/corpus';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin/k8s-guardrails.js');

interface Target {
  name: string;
  args: string[];
}

function targets(tmp: string): Target[] {
  const out: Target[] = [];
  const corpus = generateCorpus(10000);
  const single = path.join(tmp, 'single');
  const split = path.join(tmp, 'split');
  fs.mkdirSync(single, { recursive: true });
  fs.mkdirSync(split, { recursive: true });
  fs.writeFileSync(path.join(single, corpus.single.name), corpus.single.text);
  for (const f of corpus.split) fs.writeFileSync(path.join(split, f.name), f.text);
  // The corpus lives outside the repository: scan it from its own folder so paths are stable.
  out.push({ name: 'bench-10k-single', args: ['.', '--no-config'] });
  out.push({ name: 'bench-10k-split', args: ['.', '--no-config'] });
  out.push({ name: 'examples', args: ['examples'] });
  for (const family of fs.readdirSync(path.join(REPO, 'test/fixtures')).sort()) {
    if (fs.statSync(path.join(REPO, 'test/fixtures', family)).isDirectory()) out.push({ name: `fixtures-${family}`, args: [`test/fixtures/${family}`, '--no-config'] });
  }
  for (const project of fs.readdirSync(path.join(REPO, 'test/realworld')).sort()) {
    if (fs.statSync(path.join(REPO, 'test/realworld', project)).isDirectory()) out.push({ name: `realworld-${project}`, args: [`test/realworld/${project}`, '--no-config', '--include-suppressed'] });
  }
  return out;
}

function cwdFor(t: Target, tmp: string): string {
  if (t.name === 'bench-10k-single') return path.join(tmp, 'single');
  if (t.name === 'bench-10k-split') return path.join(tmp, 'split');
  return REPO;
}

function main(): void {
  const i = process.argv.findIndex((a) => a === '--record' || a === '--compare');
  const dir = i >= 0 ? process.argv[i + 1] : undefined;
  if (!dir) {
    console.error('usage: npm run identity -- --record DIR | --compare DIR');
    process.exit(2);
  }
  const record = process.argv[i] === '--record';
  if (!record && !fs.existsSync(dir)) {
    console.error(`identity: ${dir} does not exist; record it first on the old commit`);
    process.exit(2);
  }
  fs.mkdirSync(dir, { recursive: true });
  // A fixed folder per checkout: SARIF names the scanned folder's absolute URI.
  const tmp = path.join(os.tmpdir(), `k8sg-identity-${path.basename(REPO)}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  let differences = 0;
  let compared = 0;
  try {
    for (const t of targets(tmp)) {
      for (const format of ['json', 'sarif']) {
        const file = `${t.name}.${format}`;
        const r = spawnSync(process.execPath, [BIN, 'scan', ...t.args, '--format', format], { cwd: cwdFor(t, tmp), encoding: 'utf8', maxBuffer: 1 << 30 });
        const output = `exit ${r.status}\n${r.stdout}`;
        const target = path.join(dir, file);
        if (record) {
          fs.writeFileSync(target, output);
          continue;
        }
        compared++;
        const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
        if (before === output) continue;
        differences++;
        if (before === undefined) {
          console.log(`${file}: not in the recording`);
          continue;
        }
        const a = before.split('\n');
        const b = output.split('\n');
        const line = a.findIndex((l, n) => l !== b[n]);
        console.log(`${file}: differs from line ${line + 1}\n  before: ${(a[line] ?? '<end>').slice(0, 200)}\n  after:  ${(b[line] ?? '<end>').slice(0, 200)}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (record) console.log(`identity: recorded into ${dir}`);
  else console.log(`identity: ${compared - differences} of ${compared} outputs identical`);
  if (differences) process.exitCode = 1;
}

main();
