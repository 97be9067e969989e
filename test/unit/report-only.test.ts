/**
 * `reportOnly` (what the CLI and the cluster scan ask for): the same findings, in the same order, with the
 * same messages, ranges, related locations and PSS ids, only without fix providers and field paths.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, Finding } from '../../server/src/engine';

const ROOT = path.join(__dirname, '../../..');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** What a report prints of a finding (everything but `fixes` and `path`). */
function printed(f: Finding) {
  const { fixes, path: p, resource, ...rest } = f;
  return { ...rest, resource: resource?.ref };
}

for (const dir of ['examples', 'test/fixtures']) {
  test(`reportOnly: same findings on ${dir}, without fixes or paths`, () => {
    const host = new AnalysisHost();
    const files = yamlFiles(path.join(ROOT, dir));
    for (const file of files) host.setFile(`file://${file}`, fs.readFileSync(file, 'utf8'));
    const full = host.analysis().diagnostics({ includeSuppressed: true });
    const report = host.analysis().diagnostics({ includeSuppressed: true, reportOnly: true });
    let n = 0;
    let withFixes = 0;
    let withPath = 0;
    for (const [uri, list] of full.findings) {
      const got = report.findings.get(uri) ?? [];
      assert.deepEqual(got.map(printed), list.map(printed), uri);
      for (const f of list) {
        if (f.fixes) withFixes++;
        if (f.path) withPath++;
      }
      for (const f of got) {
        assert.equal(f.fixes, undefined, `${uri}: ${f.rule} has fixes`);
        assert.equal(f.path, undefined, `${uri}: ${f.rule} has a path`);
      }
      n += list.length;
    }
    assert.equal(report.findings.size, full.findings.size);
    // The comparison means something: many findings, most of them with fixes and paths in a full analysis.
    assert.ok(n > 100 && withFixes > n / 2 && withPath > n / 2, `${n} findings, ${withFixes} with fixes, ${withPath} with paths`);
  });
}
