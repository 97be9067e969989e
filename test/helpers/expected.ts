/**
 * `expected.txt` snapshots of the CLI's findings (test/fixtures/kustomize/*, test/fixtures/helm/own), one finding
 * a line, `<file>:<line> <rule> …`. Like the rule fixtures (test/unit/fixtures.test.ts), a snapshot asserts the
 * rules it is about, so that a new rule breaks only its own tests: the rules its lines name, and those a
 * `# rules: a, b` comment line lists; `# rules: all` makes it a snapshot of every rule.
 */
import * as fs from 'node:fs';

export interface ExpectedFindings {
  lines: string[];
  /** Whether a finding line (`<file>:<line> <rule> …`) belongs to the rules the snapshot is about. */
  about(line: string): boolean;
}

export function readExpected(file: string): ExpectedFindings {
  const all = fs.readFileSync(file, 'utf8').split('\n');
  const lines = all.filter((l) => l.trim() && !l.startsWith('#'));
  const ruleOf = (l: string) => l.split(' ')[1];
  const listed = all.flatMap((l) => /^#\s*rules:\s*(.+?)\s*$/.exec(l)?.[1].split(',').map((x) => x.trim()) ?? []);
  if (listed.includes('all')) return { lines, about: () => true };
  const rules = new Set([...lines.map(ruleOf), ...listed]);
  return { lines, about: (l) => rules.has(ruleOf(l)) };
}
