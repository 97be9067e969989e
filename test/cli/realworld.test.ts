/**
 * The real-world regression corpus (test/realworld/, see its README.md):
 * every project is scanned with the CLI as a process and the findings per
 * project and rule must equal the checked-in summary.json / SUMMARY.md, so a
 * change of findings on real manifests is always a reviewed diff.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeSummary, CORPUS, diffSummaries, listProjects, renderMarkdown, stableJson, summarise, Summary, SUMMARY_JSON, SUMMARY_MD } from '../../scripts/realworld/summary';

const HINT = 'If the change is intended, run `npm run realworld -- --update` and commit test/realworld/summary.json and SUMMARY.md (see test/realworld/README.md).';

test('realworld: every project has its license and a SOURCE.md naming the commit', () => {
  const projects = listProjects();
  assert.ok(projects.length >= 10, `projects: ${projects.join(', ')}`);
  for (const p of projects) {
    const files = fs.readdirSync(path.join(CORPUS, p));
    assert.ok(files.some((f) => /^(LICENSE|LICENCE|COPYING)/i.test(f)), `${p}: no LICENSE file`);
    assert.match(fs.readFileSync(path.join(CORPUS, p, 'SOURCE.md'), 'utf8'), /Commit: `[0-9a-f]{40}`/, `${p}/SOURCE.md: no commit`);
  }
});

test('realworld: the findings summary of the corpus equals the checked-in one', async () => {
  const actual = await computeSummary();
  const expected: Summary = JSON.parse(fs.readFileSync(SUMMARY_JSON, 'utf8'));
  const diff = diffSummaries(expected, actual);
  assert.ok(!diff.length, `The findings on test/realworld differ from summary.json (expected → actual):\n  ${diff.join('\n  ')}\n${HINT}`);
  // Same data, same bytes: the file is what --update writes (sorted keys), and SUMMARY.md is in step.
  assert.equal(fs.readFileSync(SUMMARY_JSON, 'utf8'), stableJson(actual), `summary.json is not in the generated form. ${HINT}`);
  assert.equal(fs.readFileSync(SUMMARY_MD, 'utf8'), renderMarkdown(actual), `SUMMARY.md is stale. ${HINT}`);
});

test('realworld: the diff names the project, the rule and both counts', () => {
  const one = (stdout: string, stderr = '') => summarise('demo', { code: 1, stdout, stderr }, 3);
  const finding = (rule: string, extra: object = {}) => ({ rule, severity: 'warning', message: 'm', file: 'a.yaml', ...extra });
  const before = one(JSON.stringify({ version: 1, findings: [finding('privileged-container'), finding('run-as-non-root')] }));
  const after = one(
    JSON.stringify({ version: 1, findings: [finding('privileged-container'), finding('privileged-container'), finding('run-as-non-root', { suppressed: { by: 'annotation', reason: 'r' } })] }),
    'k8s-guardrails: skipped a.yaml: file is a template\n',
  );
  assert.deepEqual(after.rules, { 'privileged-container': { active: 2, suppressed: 0 }, 'run-as-non-root': { active: 0, suppressed: 1 } });
  assert.equal(after.notAnalysed, 1);
  const wrap = (p: typeof before) => ({ projects: { demo: p } }) as unknown as Summary;
  const diff = diffSummaries(wrap(before), wrap(after));
  assert.ok(diff.includes('projects / demo / rules / privileged-container / active: 1 → 2'), diff.join('\n'));
  assert.ok(diff.includes('projects / demo / rules / run-as-non-root / suppressed: 0 → 1'), diff.join('\n'));
  assert.ok(diff.includes('projects / demo / stderr: + "k8s-guardrails: skipped a.yaml: file is a template"'), diff.join('\n'));
});
