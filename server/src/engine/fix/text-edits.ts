/** Applying text edits to a string, and the minimal edit between two strings. */
import { LineIndex, Range } from '../text';
import { TextEdit } from '../rules/types';

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

