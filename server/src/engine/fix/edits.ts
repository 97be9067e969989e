/**
 * Minimal text edits on YAML source: replace a scalar, set a value at a path
 * (creating missing parent mappings), append to or remove from a sequence.
 * Edits touch only the bytes that change and follow the surrounding style
 * (indentation, block or flow), so comments and layout elsewhere survive.
 */
import { loadSourceFile, Resource } from '../model';
import { TextEdit } from '../rules/types';
import { applyEdits, diffEdit } from './text-edits';
import { entries, YNode, YPath } from '../yaml/parse';
import { yamlString } from '../yaml/quote';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** Replace the scalar at `path` (which must exist) with `newText`. */
export function replaceScalar(res: Resource, path: YPath, newText: string): TextEdit | undefined {
  const found = res.locate(path);
  if (!found || found.depth !== res.prefix.length + path.length) return undefined;
  const n = found.node;
  if (n.kind !== 'scalar') return undefined;
  return edit(res, n.start, n.end, newText);
}

function edit(res: Resource, start: number, end: number, newText: string): TextEdit {
  const base = res.doc.start;
  return { uri: res.file.uri, range: res.file.lines.range(base + start, base + end), newText };
}

function scalarText(v: YamlValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return yamlString(v);
  throw new Error('not a scalar');
}

function isScalar(v: YamlValue): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

function flowText(v: YamlValue): string {
  if (isScalar(v)) return scalarText(v);
  if (Array.isArray(v)) return `[${v.map(flowText).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${scalarText(k)}: ${flowText(x)}`)
    .join(', ')}}`;
}

interface Style {
  unit: number;
  /** Sequences under a key start at the key's column (`containers:\n- name`). */
  compactSeq: boolean;
}

/** Render `key: value` lines in block style at `indent`. */
function blockLines(key: string, v: YamlValue, indent: number, style: Style): string[] {
  const pad = ' '.repeat(indent);
  if (isScalar(v) || (Array.isArray(v) && v.length === 0) || (!Array.isArray(v) && Object.keys(v).length === 0))
    return [`${pad}${scalarText(key)}: ${flowText(v)}`];
  const out = [`${pad}${scalarText(key)}:`];
  if (Array.isArray(v)) {
    const itemPad = ' '.repeat(style.compactSeq ? indent : indent + style.unit);
    for (const item of v) {
      if (isScalar(item) || Array.isArray(item)) out.push(`${itemPad}- ${flowText(item)}`);
      else {
        const inner = Object.entries(item).flatMap(([k, x]) => blockLines(k, x, itemPad.length + 2, style));
        if (inner.length) inner[0] = `${itemPad}- ${inner[0].slice(itemPad.length + 2)}`;
        out.push(...inner);
      }
    }
  } else for (const [k, x] of Object.entries(v)) out.push(...blockLines(k, x, indent + style.unit, style));
  return out;
}

function styleOf(res: Resource): Style {
  let unit = 0;
  let compactSeq: boolean | undefined;
  const text = res.file.text;
  const col = (off: number) => res.file.lines.column(res.doc.start + off);
  const todo: YNode[] = res.doc.root ? [res.doc.root] : [];
  while (todo.length && (unit === 0 || compactSeq === undefined)) {
    const n = todo.pop()!;
    if (n.kind !== 'map' || text.charCodeAt(res.doc.start + n.start) === 123) {
      if (n.children) todo.push(...n.children);
      continue;
    }
    for (const [k, v] of entries(n)) {
      if (v.kind === 'map' && v.children?.length && text.charCodeAt(res.doc.start + v.start) !== 123 && unit === 0) {
        const d = col(v.start) - col(k.start);
        if (d > 0) unit = d;
      }
      if (v.kind === 'seq' && text.charCodeAt(res.doc.start + v.start) === 45 && compactSeq === undefined) compactSeq = col(v.start) === col(k.start);
      if (v.children) todo.push(v);
    }
  }
  return { unit: unit || 2, compactSeq: compactSeq ?? false };
}

function nest(keys: readonly string[], value: YamlValue): [string, YamlValue] {
  let v = value;
  for (let i = keys.length - 1; i >= 1; i--) v = { [keys[i]]: v };
  return [keys[0], v];
}

/**
 * Set `path` (relative to the resource) to `value`, creating missing parent
 * mappings. Returns undefined when the path crosses a sequence index that
 * does not exist or a non-mapping value.
 */
export function setIn(res: Resource, path: YPath, value: YamlValue): TextEdit | undefined {
  const full = [...res.prefix, ...path];
  const found = res.locate(path);
  if (!found) return undefined;
  const text = res.file.text;
  const base = res.doc.start;
  if (found.depth === full.length) {
    const n = found.node;
    if (isScalar(value) && n.kind === 'scalar' && n.end > n.start) return edit(res, n.start, n.end, scalarText(value));
    if (n.kind === 'scalar' && n.end === n.start) return found.key ? insertUnderEmptyKey(res, found.key, [], value) : undefined;
    // Replace a collection: flow collections inline, block ones by re-rendering under their key.
    // Inside a flow collection (`{add: x, drop: 5}`) only flow text is valid.
    const parent = res.locate(path.slice(0, -1));
    const parentOpen = parent ? text.charCodeAt(base + parent.node.start) : 0;
    const inFlow = path.length > 0 && (parentOpen === 123 || parentOpen === 91);
    const blockCollection = (n.kind === 'map' || n.kind === 'seq') && text.charCodeAt(base + n.start) !== 123 && text.charCodeAt(base + n.start) !== 91;
    // A block collection starts on the line after its key (maybe at the key's column): the scalar goes after the colon.
    if (blockCollection && isScalar(value) && found.key) return edit(res, found.key.end, n.end, `: ${flowText(value)}`);
    if (!blockCollection || isScalar(value) || inFlow) return edit(res, n.start, n.end, flowText(value));
    if (!found.key) return undefined;
    const style = styleOf(res);
    const keyCol = res.file.lines.column(base + found.key.start);
    const lines = blockLines(String(found.key.value), value, keyCol, style);
    return edit(res, found.key.start, n.end, lines.join('\n').slice(keyCol));
  }
  const rest = full.slice(found.depth);
  if (rest.some((s) => typeof s === 'number')) return undefined;
  const keys = rest as string[];
  const parent = found.node;
  if (parent.kind === 'scalar' && parent.end === parent.start && parent.value === null) {
    const parentKey = found.depth > 0 ? keyOf(res, full.slice(0, found.depth)) : undefined;
    return parentKey ? insertUnderEmptyKey(res, parentKey, keys, value) : undefined;
  }
  if (parent.kind !== 'map') return undefined;
  const [k, v] = nest(keys, value);
  if (text.charCodeAt(base + parent.start) === 123 /* { */) {
    // Flow mapping: add before the closing brace.
    const close = parent.end - 1;
    const empty = !parent.children?.length;
    return edit(res, close, close, `${empty ? '' : ', '}${scalarText(k)}: ${flowText(v)}`);
  }
  // Block mapping: a new line after the mapping's last line (after any trailing comment), at its keys' column.
  const firstKey = parent.children![0];
  const col = res.file.lines.column(base + firstKey.start);
  const lastLine = res.file.lines.position(base + parent.end).line;
  const at = res.file.lines.lineEnd(lastLine) - base;
  const lines = blockLines(k, v, col, styleOf(res));
  return edit(res, at, at, '\n' + lines.join('\n'));
}

function keyOf(res: Resource, fullPath: YPath): YNode | undefined {
  if (!res.doc.root) return undefined;
  const l = res.locate(fullPath.slice(res.prefix.length));
  return l?.key;
}

/** `securityContext:` with no value → fill it in on the following lines. */
function insertUnderEmptyKey(res: Resource, key: YNode, keys: readonly string[], value: YamlValue): TextEdit {
  const base = res.doc.start;
  const style = styleOf(res);
  const keyCol = res.file.lines.column(base + key.start);
  const line = res.file.lines.position(base + key.end).line;
  // Replace from after the key's colon to the end of the line, keeping a trailing comment.
  const lineEnd = res.file.lines.lineEnd(line);
  const rest = res.file.text.slice(base + key.end, lineEnd);
  const comment = /#.*$/.exec(rest)?.[0];
  let body: string[];
  if (keys.length === 0) {
    if (isScalar(value) || Array.isArray(value)) return edit(res, key.end, lineEnd - base, `: ${flowText(value)}${comment ? ' ' + comment : ''}`);
    body = Object.entries(value).flatMap(([k, v]) => blockLines(k, v, keyCol + style.unit, style));
  } else {
    const [k, v] = nest(keys, value);
    body = blockLines(k, v, keyCol + style.unit, style);
  }
  return edit(res, key.end, lineEnd - base, `:${comment ? ' ' + comment : ''}\n${body.join('\n')}`);
}

/** Append `value` to the sequence at `path` (creating it when missing). */
export function appendTo(res: Resource, path: YPath, value: YamlValue): TextEdit | undefined {
  const found = res.locate(path);
  if (!found) return undefined;
  const full = res.prefix.length + path.length;
  if (found.depth !== full) return setIn(res, path, [value]);
  const seq = found.node;
  const base = res.doc.start;
  if (seq.kind !== 'seq') return seq.kind === 'scalar' && seq.value === null ? setIn(res, path, [value]) : undefined;
  if (res.file.text.charCodeAt(base + seq.start) === 91 /* [ */) {
    const close = seq.end - 1;
    return edit(res, close, close, `${seq.children?.length ? ', ' : ''}${flowText(value)}`);
  }
  const last = seq.children![seq.children!.length - 1];
  const col = res.file.lines.column(base + seq.start);
  const lastLine = res.file.lines.position(base + (last?.end ?? seq.end)).line;
  const at = res.file.lines.lineEnd(lastLine) - base;
  return edit(res, at, at, `\n${' '.repeat(col)}- ${flowText(value)}`);
}

/** Remove item `index` of the sequence at `path`. */
export function removeItem(res: Resource, path: YPath, index: number): TextEdit | undefined {
  const found = res.locate(path);
  if (!found || found.depth !== res.prefix.length + path.length || found.node.kind !== 'seq') return undefined;
  const seq = found.node;
  const items = seq.children ?? [];
  const item = items[index];
  if (!item) return undefined;
  const base = res.doc.start;
  const text = res.file.text;
  if (text.charCodeAt(base + seq.start) === 91 /* [ */) {
    if (items.length === 1) return edit(res, seq.start, seq.end, '[]');
    // Remove the item and the separator next to it.
    if (index < items.length - 1) return edit(res, item.start, items[index + 1].start, '');
    const prevEnd = items[index - 1].end;
    return edit(res, prevEnd, item.end, '');
  }
  if (items.length === 1) {
    // The last item: leave an empty flow list so the key keeps its meaning.
    const keyed = found.key;
    if (!keyed) return undefined;
    const lines = res.file.lines;
    const endLine = lines.position(base + item.end).line;
    // Keep comment lines that sat between the key and the item (and a comment after the key).
    const between = text.slice(base + keyed.end, base + item.start).split(/\r?\n/);
    const keyComment = /#.*$/.exec(between[0] ?? '')?.[0];
    const commentLines = between.slice(1).filter((l) => /^\s*#/.test(l));
    const kept = commentLines.length ? '\n' + commentLines.join('\n') : '';
    return edit(res, keyed.end, lines.lineEnd(endLine) - base, `: []${keyComment ? ' ' + keyComment : ''}${kept}`);
  }
  // Whole lines of the block item, from its dash line to its last line.
  const lines = res.file.lines;
  const startLine = lines.position(base + item.start).line;
  const endLine = lines.position(base + item.end).line;
  const from = lines.lineStart(startLine) - base;
  const to = lines.lineStart(endLine + 1) - base;
  return edit(res, from, Math.min(to, res.doc.end - base), '');
}

/** Remove the key at `path` (block mappings: its whole lines; flow: the pair). */
export function removeKey(res: Resource, path: YPath): TextEdit | undefined {
  const found = res.locate(path);
  if (!found || found.depth !== res.prefix.length + path.length || !found.key) return undefined;
  const parent = res.locate(path.slice(0, -1));
  if (!parent) return undefined;
  const base = res.doc.start;
  const text = res.file.text;
  const lines = res.file.lines;
  if (text.charCodeAt(base + parent.node.start) === 123 /* { */) {
    const kids = parent.node.children ?? [];
    const i = kids.indexOf(found.key);
    if (kids.length === 2) return edit(res, parent.node.start, parent.node.end, '{}');
    if (i + 2 < kids.length) return edit(res, found.key.start, kids[i + 2].start, '');
    return edit(res, kids[i - 1].end, found.node.end, '');
  }
  if ((parent.node.children?.length ?? 0) === 2 && parent.key) {
    // Removing the only key would leave `parent:` null; keep an empty mapping.
    return edit(res, parent.key.end, lines.lineEnd(lines.position(base + found.node.end).line) - base, ': {}');
  }
  const startLine = lines.position(base + found.key.start).line;
  const endLine = lines.position(base + Math.max(found.node.end, found.key.end)).line;
  const lineStart = lines.lineStart(startLine) - base;
  if (text.slice(base + lineStart, base + found.key.start).trim() !== '') return undefined; // `- key:` first in an item
  return edit(res, lineStart, lines.lineStart(endLine + 1) - base, '');
}

export type ResourceEdit = (res: Resource) => TextEdit | undefined;

/**
 * Apply several edits to one resource in sequence, re-parsing between them
 * (so each sees the previous one's result), and return one minimal edit.
 */
export function editSequence(res: Resource, steps: ResourceEdit[]): TextEdit | undefined {
  const uri = res.file.uri;
  const original = res.file.text;
  let text = original;
  let current: Resource | undefined = res;
  for (const step of steps) {
    if (!current) break;
    const e = step(current);
    if (!e) continue;
    text = applyEdits(text, [e]);
    const file = loadSourceFile(uri, text);
    current = file.resources.find((r) => r.doc.index === res.doc.index && r.prefix.join('.') === res.prefix.join('.'));
  }
  return diffEdit(uri, original, text);
}
