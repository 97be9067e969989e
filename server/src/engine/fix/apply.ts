/** "Fix all": apply safe fixes until nothing fixable is left. */
import { analyze } from '../analyze';
import { EngineSettings, TextEdit } from '../rules/types';
import { applyEdits, diffEdit } from './text-edits';
import { LineIndex } from '../text';
import { WorkspaceIndex } from '../workspace';

/**
 * The edits of one round that cannot interfere: sorted, each starting after
 * the previous one ends. Two fixes inserting at the same point (e.g. both
 * creating a missing `securityContext`) would otherwise write it twice; the
 * later one is re-computed in the next round on the updated text.
 */
function independent(text: string, edits: TextEdit[]): TextEdit[] {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e) => ({ e, start: lines.offset(e.range.start), end: lines.offset(e.range.end) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: TextEdit[] = [];
  let lastEnd = -1;
  for (const s of spans) {
    if (s.start <= lastEnd) continue;
    out.push(s.e);
    lastEnd = s.end;
  }
  return out;
}

/**
 * Apply every fix marked safe for "fix all" in one file, re-analysing after
 * each round until nothing fixable is left (bounded), and return the result
 * as a single minimal edit. The workspace is restored afterwards.
 */
export function fixAll(ws: WorkspaceIndex, uri: string, settings: EngineSettings, maxRounds = 16): TextEdit | undefined {
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
      const next = applyEdits(text, independent(text, edits));
      if (next === text) break;
      text = next;
    }
  } finally {
    ws.set(uri, original);
  }
  return diffEdit(uri, original, text);
}
