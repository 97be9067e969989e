/** "Fix all": apply safe fixes until nothing fixable is left. */
import { analyze } from '../analyze';
import { EngineSettings, TextEdit } from '../rules/types';
import { applyEdits, diffEdit } from './text-edits';
import { WorkspaceIndex } from '../workspace';

/**
 * Apply every fix marked safe for "fix all" in one file, re-analysing after
 * each round until nothing fixable is left (bounded), and return the result
 * as a single minimal edit. The workspace is restored afterwards.
 */
export function fixAll(ws: WorkspaceIndex, uri: string, settings: EngineSettings, maxRounds = 8): TextEdit | undefined {
  const original = ws.get(uri)?.text;
  if (original === undefined) return undefined;
  let text = original;
  try {
    for (let round = 0; round < maxRounds; round++) {
      ws.set(uri, text);
      const findings = analyze(ws, settings, { uris: [uri] }).findings.get(uri) ?? [];
      const edits: TextEdit[] = [];
      for (const f of findings) {
        const fix = f.fixes?.({ fixAllOnly: true }).find((x) => x.fixAll);
        if (fix) edits.push(...fix.edits.filter((e) => e.uri === uri));
      }
      if (!edits.length) break;
      const next = applyEdits(text, edits);
      if (next === text) break;
      text = next;
    }
  } finally {
    ws.set(uri, original);
  }
  return diffEdit(uri, original, text);
}
