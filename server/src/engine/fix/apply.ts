/** Applying text edits, and "fix all" that iterates to a fixed point. */
import { analyze } from '../analyze';
import { LineIndex, Range } from '../text';
import { EngineSettings, TextEdit } from '../rules/types';
import { WorkspaceIndex } from '../workspace';

/** Apply non-overlapping edits (later ones that overlap an earlier one are dropped). */
export function applyEdits(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e) => ({ start: lines.offset(e.range.start), end: lines.offset(e.range.end), text: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const s of spans) {
    if (s.start < pos) continue;
    out += text.slice(pos, s.start) + s.text;
    pos = s.end;
  }
  return out + text.slice(pos);
}

/** One edit that turns `before` into `after`, trimmed to the part that differs. */
export function diffEdit(uri: string, before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  const lines = new LineIndex(before);
  return { uri, range: lines.range(start, endB), newText: after.slice(start, endA) };
}

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
        const fix = f.fixes?.().find((x) => x.fixAll);
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
