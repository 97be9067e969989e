/**
 * The fast path's differential check (server/src/engine/yaml/fast.ts, #24): a text's documents parsed
 * with the fast path and without it (`setFastPath`) must be observably identical — the value (types and
 * key order included), error, emptiness, every span record, the values kept aside (`others`), the root,
 * the tree, the duplicate keys and the arena's use. Shared by test/unit/yaml-fastpath*.test.ts and the
 * long-run fuzzer (scripts/fuzz/yaml-fastpath.ts). `compare` throws an AssertionError on a divergence.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseChunk, setFastPath, SpanArena, splitDocuments, ParsedChunk, YNode } from '../../server/src/engine/yaml/parse';
import { lastGiveUpReason } from '../../server/src/engine/yaml/fast';

const STRIDE = 5;

/**
 * A serialization that tells key order, -0, dates and value types apart. An object seen before (an
 * alias) is written as `#n`, so alias bombs stay small and sharing is compared too.
 */
export function canon(v: unknown, seen = new Map<object, number>()): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v) : `${typeof v}:${Object.is(v, -0) ? '-0' : String(v)}`;
  const id = seen.get(v);
  if (id !== undefined) return `#${id}`;
  seen.set(v, seen.size);
  if (v instanceof Date) return `date:${v.getTime()}`;
  if (Array.isArray(v)) return `[${v.map((x) => canon(x, seen)).join(',')}]`;
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k], seen)}`).join(',')}}`;
}

/** The `YNode` tree built from the spans: kinds, offsets, scalar values. */
function tree(n: YNode | undefined): unknown {
  if (!n) return n;
  return [n.kind, n.start, n.end, n.kind === 'scalar' ? canon(n.value) : '', n.children?.map(tree)];
}

export interface Tally {
  docs: number;
  hits: number;
  reasons: Map<string, number>;
}

export const tally = (): Tally => ({ docs: 0, hits: 0, reasons: new Map() });

function observed(c: ParsedChunk, arena: SpanArena) {
  const sp = c.spans;
  return {
    value: canon(c.value),
    error: c.error,
    empty: c.empty,
    spans: sp && { nodes: [...sp.data.subarray(sp.base, sp.base + sp.count * STRIDE)], count: sp.count, root: sp.root, others: canon(sp.others), text: sp.text === undefined },
    tree: tree(c.root),
    duplicates: c.duplicates.map((d) => [d.key, d.node.start, d.first.start]),
    arena: { used: arena.used, size: arena.buf.length },
  };
}

/** Parses the documents of `text` with and without the fast path, into arenas shared as DocumentCache shares them, and compares. */
export function compare(name: string, text: string, t: Tally): void {
  const chunks = splitDocuments(text);
  // Small arenas, so that buffers fill up and grow in the middle of a file.
  const fastArena = new SpanArena(64);
  const slowArena = new SpanArena(64);
  for (const [i, chunk] of chunks.entries()) {
    setFastPath(false);
    const slow = parseChunk(chunk.text, slowArena);
    setFastPath(true);
    const fast = parseChunk(chunk.text, fastArena);
    const reason = lastGiveUpReason();
    t.docs++;
    if (reason === '') t.hits++;
    else t.reasons.set(reason, (t.reasons.get(reason) ?? 0) + 1);
    const where = `${name}, document ${i}${reason ? '' : ' (fast path)'}:\n${JSON.stringify(chunk.text).slice(0, 600)}`;
    // Outside the subset (aliases included) both are js-yaml's reading: compared through `canon` only.
    if (!reason) assert.deepStrictEqual(fast.value, slow.value, where);
    assert.deepStrictEqual(observed(fast, fastArena), observed(slow, slowArena), where);
  }
  // A chunk parsed alone (its own arena) too.
  for (const chunk of chunks.slice(0, 3)) {
    setFastPath(false);
    const slow = parseChunk(chunk.text);
    setFastPath(true);
    const fast = parseChunk(chunk.text);
    assert.deepStrictEqual(canon(fast.spans && [...fast.spans.data.subarray(fast.spans.base, fast.spans.base + fast.spans.count * STRIDE)]), canon(slow.spans && [...slow.spans.data.subarray(slow.spans.base, slow.spans.base + slow.spans.count * STRIDE)]), name);
  }
}

/** Whether `text` diverges between the two paths (for minimising a failing input). */
export function diverges(text: string): boolean {
  try {
    compare('', text, tally());
    return false;
  } catch (e) {
    if (e instanceof assert.AssertionError) return true;
    throw e;
  }
}

/** The text, and the same with CRLF and with CR line breaks. */
export function variants(text: string): [string, string][] {
  const lf = text.replace(/\r\n?/g, '\n');
  return [
    ['', text],
    [' (CRLF)', lf.replace(/\n/g, '\r\n')],
    [' (CR)', lf.replace(/\n/g, '\r')],
  ];
}

/** The *.yaml / *.yml files under `dir`, sorted. */
export function walkYaml(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) walkYaml(p, out);
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

export function report(label: string, t: Tally): string {
  const reasons = [...t.reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r}: ${n}`).join(', ');
  const line = `${label}: ${t.hits}/${t.docs} documents on the fast path (${((100 * t.hits) / Math.max(1, t.docs)).toFixed(1)} %)${reasons ? `; gave up: ${reasons}` : ''}`;
  console.log(line);
  return line;
}
