/** Re-analysing the same workspace with other settings gives the new verdict (no stale caches). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS, WorkspaceIndex } from '../../server/src/engine';

test('changing the PSS level between analyses is honoured', () => {
  const ws = new WorkspaceIndex();
  ws.set('mem:/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: "x:1"}]\n');
  const rules = (level: 'baseline' | 'restricted') => {
    const s = structuredClone(DEFAULT_SETTINGS);
    s.pss.level = level;
    return new Set([...analyze(ws, s).findings.values()].flat().filter((f) => f.pss).map((f) => f.rule));
  };
  assert.ok(rules('restricted').has('run-as-non-root'));
  assert.equal(rules('baseline').size, 0);
  assert.ok(rules('restricted').has('run-as-non-root'));
});
