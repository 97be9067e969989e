/**
 * The judged sample of the real-world findings (test/realworld/VERDICTS.md):
 * `realworld:sample --check` run as a process must find a verdict for every
 * sampled finding, no verdict whose finding vanished, and false verdicts
 * within the ceiling of verdicts.json (issue #18: 2 %). The other cases run
 * the same script on the scans of the first one (--from-scans) with altered
 * copies of the verdicts file.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../../scripts/realworld/summary';

const SCRIPT = path.join(REPO, 'out/scripts/realworld/sample.js');
const VERDICTS = path.join(REPO, 'test/realworld/verdicts.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-verdicts-'));
const scans = path.join(tmp, 'scans.json');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function copy(name: string, edit: (v: { maxFalsePercent?: number; findings: Record<string, { verdict: string | null; reason: string }> }) => void): string {
  const v = JSON.parse(fs.readFileSync(VERDICTS, 'utf8'));
  edit(v);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(v, null, 2));
  return file;
}

test('realworld sample: every sampled finding has a verdict and false verdicts are within the ceiling', () => {
  const r = run('--check', '--save-scans', scans);
  assert.equal(r.code, 0, r.out);
  const m = /sampled findings: (\d+);.*false \d+ \(([\d.]+) % of judged\)/.exec(r.out);
  assert.ok(m, r.out);
  assert.ok(Number(m[1]) >= 200, `the sample has ${m[1]} findings, issue #18 asks for at least 200`);
  const ceiling = JSON.parse(fs.readFileSync(VERDICTS, 'utf8')).maxFalsePercent ?? 2;
  assert.ok(Number(m[2]) <= ceiling, r.out);
  assert.match(r.out, /\| rule \| sampled \| true \| true-but-expected \| false \| unjudged \|/);
});

test('realworld sample: a sampled finding without verdict fails the check and is named', () => {
  let removed = '';
  const file = copy('missing.json', (v) => {
    removed = Object.keys(v.findings).sort()[0];
    delete v.findings[removed];
  });
  const r = run('--check', '--from-scans', scans, '--verdicts', file);
  assert.equal(r.code, 1, r.out);
  assert.ok(r.out.includes(`no verdict: ${removed}`), r.out);
  // --update adds it back with verdict null (still failing the check), keeping the other verdicts.
  const u = run('--update', '--from-scans', scans, '--verdicts', file);
  assert.equal(u.code, 0, u.out);
  assert.ok(u.out.includes(`to judge: ${removed}`), u.out);
  const updated = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(updated.findings[removed].verdict, null);
  assert.equal(Object.keys(updated.findings).length, Object.keys(JSON.parse(fs.readFileSync(VERDICTS, 'utf8')).findings).length);
  assert.equal(run('--check', '--from-scans', scans, '--verdicts', file).code, 1);
});

test('realworld sample: a verdict whose finding vanished fails the check; --update drops and reports it', () => {
  const gone = 'demo:x.yaml:privileged-container:Deployment/gone:app';
  const file = copy('vanished.json', (v) => {
    v.findings[gone] = { verdict: 'false', reason: 'fixed since' };
  });
  const r = run('--check', '--from-scans', scans, '--verdicts', file);
  assert.equal(r.code, 1, r.out);
  assert.ok(r.out.includes(`vanished (the finding is no longer sampled or reported): ${gone}`), r.out);
  const u = run('--update', '--from-scans', scans, '--verdicts', file);
  assert.ok(u.out.includes(`dropped (false): ${gone} — fixed since`), u.out);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).findings[gone], undefined);
  assert.equal(run('--check', '--from-scans', scans, '--verdicts', file).code, 0);
});

test('realworld sample: more than 2 % false verdicts fails the check (without a ceiling in the file, 2 %)', () => {
  const judge = (name: string, falses: number) =>
    copy(name, (v) => {
      delete v.maxFalsePercent;
      const keys = Object.keys(v.findings).sort();
      keys.forEach((k, i) => (v.findings[k].verdict = i < falses ? 'false' : 'true'));
    });
  const n = Object.keys(JSON.parse(fs.readFileSync(VERDICTS, 'utf8')).findings).length;
  const over = run('--check', '--from-scans', scans, '--verdicts', judge('over.json', Math.ceil(n * 0.03)));
  assert.equal(over.code, 1, over.out);
  assert.match(over.out, /false verdicts: [\d.]+ % of the judged sample > 2 % \(the ceiling\)/);
  const under = run('--check', '--from-scans', scans, '--verdicts', judge('under.json', 1));
  assert.equal(under.code, 0, under.out);
  assert.match(under.out, /false verdicts: 0\.\d % of the judged sample, within the ceiling of 2 %/);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));
