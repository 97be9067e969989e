/**
 * The invariants checked on every fuzz input.
 *
 *  - parse-throws / analyze-throws / rule-throws: WorkspaceIndex.set and
 *    analyze never throw, and no rule throws (analyze isolates rule errors
 *    through onRuleError; one is still a bug).
 *  - fix-throws: every fix provider of every finding (with and without
 *    fixAllOnly) returns without throwing; fixAll does too.
 *  - range: every finding, related-information and fix-edit range lies in
 *    the document: line < lineCount, character ≤ line length, start ≤ end.
 *    Lines are counted independently of the engine (LSP line breaks:
 *    \r\n, \n, \r), characters in UTF-16 code units.
 *  - fix-reparse-throws / fix-reanalyze-throws: the text after each fix
 *    parses (and, for one sampled fix per input, analyses) without throwing.
 *  - fix-breaks-yaml: a fix never turns a file whose documents all parsed
 *    into one with a YAML error.
 *  - node-range: every position-tree node lies inside its document chunk.
 *  - data-mutated: rules and fixes leave the parsed (and cached) data as
 *    parsed.
 *  - parser-mismatch: where both accept the input, our per-document values
 *    equal js-yaml's loadAll of the whole stream (same YAML 1.1 booleans,
 *    json mode, depth limit).
 *  - slow: parse + analyze of one input takes at most `timeLimitMs`; one
 *    fix provider call likewise.
 */
import * as jsyaml from 'js-yaml';
import { analyze, applyEdits, DEFAULT_SETTINGS, fixAll, Finding, WorkspaceIndex } from '../../server/src/engine';
import { loadSourceFile } from '../../server/src/engine/model';
import { KUBERNETES_SCHEMA, parseYaml, YNode } from '../../server/src/engine/yaml/parse';
import type { Range } from '../../server/src/engine/text';
import { Rng } from './rng';
import { FuzzInput } from './inputs';

export interface Failure {
  invariant: string;
  message: string;
  /** Where (rule id, fix title…), part of the de-duplication signature. */
  where?: string;
  stack?: string;
}

export interface CheckResult {
  failures: Failure[];
  /** Parse + analyze time. */
  engineMs: number;
  totalMs: number;
  findings: number;
  fixes: number;
  /** Parser agreement: both-accept-equal, we-reject, we-accept, both-reject, skipped. */
  agreement: 'equal' | 'mismatch' | 'we-reject' | 'we-accept' | 'both-reject' | 'skipped';
}

export interface CheckOptions {
  timeLimitMs: number;
  /** Probability of also running fixAll (costly: re-analyses up to 8 times). */
  fixAllRate: number;
  seed: string;
  /** Findings whose full fix list is built and checked (default 4, distinct rules first). */
  fullFixes?: number;
  /** Findings whose "fix all" fixes are checked (default: all). */
  fixAllOnlyFixes?: number;
}

const URI = 'file:///fuzz/input.yaml';
/** Above this many fixable findings, full fix lists are built for a sample (one per rule + random). */
const MAX_FIX_FINDINGS = 4;
/** Distinct fix results re-parsed per input. */
const MAX_FIX_RESULTS = 30;
/** Time for fix checks per input (the fix-provider time bound is checked separately). */
const FIX_BUDGET_MS = 3000;

// --- The reference parser: js-yaml on the whole stream, same YAML 1.1 booleans as the engine. ---
// The same schema object as the engine's; the independence is in parsing the whole stream at once.
const SCHEMA = KUBERNETES_SCHEMA;

function referenceLoad(text: string): unknown[] | Error {
  const docs: unknown[] = [];
  try {
    jsyaml.loadAll(text, (d) => docs.push(d), { schema: SCHEMA, json: true, maxDepth: 200 } as jsyaml.LoadOptions);
    return docs;
  } catch (e) {
    return e as Error;
  }
}

/** Structural equality, alias-aware (each pair of objects compared once: alias bombs stay linear). */
export function deepEqual(a: unknown, b: unknown, seen = new Map<object, Set<object>>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  const oa = a as object;
  const ob = b as object;
  let s = seen.get(oa);
  if (s?.has(ob)) return true;
  if (!s) seen.set(oa, (s = new Set()));
  s.add(ob);
  if (oa instanceof Date || ob instanceof Date) return oa instanceof Date && ob instanceof Date && Object.is(oa.getTime(), ob.getTime());
  if (ArrayBuffer.isView(oa) || ArrayBuffer.isView(ob)) return ArrayBuffer.isView(oa) && ArrayBuffer.isView(ob) && Buffer.from(oa.buffer, oa.byteOffset, oa.byteLength).equals(Buffer.from(ob.buffer, ob.byteOffset, ob.byteLength));
  if (Array.isArray(oa) !== Array.isArray(ob)) return false;
  const ka = Object.keys(oa);
  const kb = Object.keys(ob);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    if (!deepEqual((oa as any)[ka[i]], (ob as any)[ka[i]], seen)) return false;
  }
  return true;
}

/** Lines as an LSP client counts them. */
export function lspLines(text: string): number[] {
  const lengths: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lengths.push(i - start);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lengths.push(text.length - start);
  return lengths;
}

export function rangeProblem(lines: number[], r: Range | undefined): string | undefined {
  if (!r || !r.start || !r.end) return 'missing range';
  for (const p of [r.start, r.end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character)) return `non-integer position ${JSON.stringify(p)}`;
    if (p.line < 0 || p.line >= lines.length) return `line ${p.line} outside 0..${lines.length - 1}`;
    if (p.character < 0 || p.character > lines[p.line]) return `character ${p.character} outside 0..${lines[p.line]} on line ${p.line}`;
  }
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) return `start after end ${JSON.stringify(r)}`;
  return undefined;
}

function errText(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return { message: e.message.slice(0, 500), stack: e.stack?.split('\n').slice(0, 12).join('\n') };
  return { message: String(e).slice(0, 500) };
}

function* nodes(root: YNode | undefined): Generator<YNode> {
  if (!root) return;
  const todo = [root];
  while (todo.length) {
    const n = todo.pop()!;
    yield n;
    if (n.children) for (const c of n.children) todo.push(c);
  }
}

/**
 * A document that is only `---` with node properties (`--- !!str`, `--- &a !!map`) and no content:
 * js-yaml reads its empty root by the tag ("", {}, []) at the end of the stream but ignores the tag
 * (null) when another `---`/`...` follows, so whole-stream loadAll and our per-document parse
 * disagree. Our reading does not depend on what follows (go-yaml's does not either); neither is a
 * Kubernetes object.
 */
function emptyTaggedRoot(doc: string): boolean {
  const lines = doc.split(/\r\n|\r|\n/).filter((l) => !/^[ \t]*(#.*)?$/.test(l) && !/^\.\.\.([ \t].*)?$/.test(l));
  return lines.length === 1 && /^---([ \t]+(![^ \t]*|&[^ \t]+))+[ \t]*([ \t]#.*)?$/.test(lines[0]);
}

function hasYamlError(text: string): boolean {
  const f = loadSourceFile(URI, text);
  return !f.skipped && f.documents.some((d) => d.error);
}

export function checkInput(input: FuzzInput, opts: CheckOptions): CheckResult {
  const t0 = performance.now();
  const failures: Failure[] = [];
  const fail = (invariant: string, message: string, where?: string, stack?: string) => failures.push({ invariant, message, where, stack });
  const rng = new Rng(`${opts.seed}#${input.index}#check`);
  const text = input.text;
  const lines = lspLines(text);
  const result: CheckResult = { failures, engineMs: 0, totalMs: 0, findings: 0, fixes: 0, agreement: 'skipped' };

  // 1. Parse and analyse, as the language server and the CLI do.
  const ws = new WorkspaceIndex();
  let findings: Finding[] = [];
  let file;
  try {
    file = ws.set(URI, text);
  } catch (e) {
    const { message, stack } = errText(e);
    fail('parse-throws', message, undefined, stack);
  }
  if (file) {
    try {
      const res = analyze(ws, DEFAULT_SETTINGS, {
        onRuleError: (rule, e) => {
          const { message, stack } = errText(e);
          fail('rule-throws', message, rule.id, stack);
        },
      });
      findings = res.findings.get(URI) ?? [];
    } catch (e) {
      const { message, stack } = errText(e);
      fail('analyze-throws', message, undefined, stack);
    }
  }
  result.engineMs = performance.now() - t0;
  if (result.engineMs > opts.timeLimitMs) fail('slow', `parse + analyze took ${Math.round(result.engineMs)} ms (limit ${opts.timeLimitMs} ms)`);
  result.findings = findings.length;
  if (!file) {
    result.totalMs = performance.now() - t0;
    return result;
  }

  // 2. Position tree inside the chunks.
  for (const doc of file.documents) {
    const len = doc.end - doc.start;
    if (doc.start < 0 || doc.end > text.length || doc.start > doc.end) fail('node-range', `document ${doc.index} spans ${doc.start}..${doc.end} of ${text.length}`);
    let count = 0;
    for (const n of nodes(doc.root)) {
      if (++count > 500000) break;
      if (!(n.start >= 0 && n.start <= n.end && n.end <= len)) {
        fail('node-range', `${n.kind} node ${n.start}..${n.end} outside its document (length ${len})`);
        break;
      }
    }
    if (doc.error && !(doc.error.offset >= 0 && doc.error.offset <= len)) fail('node-range', `error offset ${doc.error.offset} outside its document (length ${len})`);
  }

  // 3. Ranges of findings.
  for (const f of findings) {
    if (f.uri !== URI) fail('range', `finding on unknown uri ${f.uri}`, f.rule);
    const p = rangeProblem(lines, f.range);
    if (p) fail('range', `finding range: ${p}`, f.rule);
    for (const r of f.related ?? []) {
      const q = r.uri === URI ? rangeProblem(lines, r.range) : `related on unknown uri ${r.uri}`;
      if (q) fail('range', `related range: ${q}`, f.rule);
    }
  }

  // 4. Fixes: build, check edits, apply, re-parse.
  const hadYamlError = !file.skipped && file.documents.some((d) => d.error);
  const seenResults = new Set<string>();
  const results: { text: string; where: string }[] = [];
  // Bounded: every finding of a small input; on large ones (thousands of
  // findings) a few per rule, so one input cannot take minutes to check.
  // "Fix all" providers (cheap) run for every finding; the full list (which
  // includes whole-workload hardening, ~100 ms a call on a 10 KB file) for
  // MAX_FIX_FINDINGS findings of distinct rules.
  const fixable = findings.filter((f) => f.fixes);
  let full: Set<Finding>;
  const fullFixes = opts.fullFixes ?? MAX_FIX_FINDINGS;
  if (fixable.length <= fullFixes) full = new Set(fixable);
  else {
    // A random finding from each of a few random rules (over a long run every rule gets its turn).
    full = new Set();
    const byRule = new Map<string, Finding[]>();
    for (const f of fixable) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    const rules = [...byRule.keys()];
    while (full.size < fullFixes && rules.length) {
      const [rule] = rules.splice(rng.int(0, rules.length - 1), 1);
      full.add(rng.pick(byRule.get(rule)!));
    }
    while (full.size < fullFixes) full.add(rng.pick(fixable));
  }
  // Already over the time bound (and reported): one finding's fixes tell whether fixes are slow too.
  const slowInput = result.engineMs > opts.timeLimitMs;
  const budgetEnd = performance.now() + FIX_BUDGET_MS;
  const checked = slowInput ? fixable.slice(0, 1) : fixable.filter((f, i) => full.has(f) || i < (opts.fixAllOnlyFixes ?? Infinity));
  for (const f of checked) {
    if (performance.now() > budgetEnd) break;
    for (const fixAllOnly of full.has(f) ? [false, true] : [true]) {
      let fixes;
      const tf = performance.now();
      try {
        fixes = f.fixes!({ fixAllOnly });
      } catch (e) {
        const { message, stack } = errText(e);
        fail('fix-throws', message, f.rule, stack);
        continue;
      }
      const took = performance.now() - tf;
      if (took > opts.timeLimitMs) fail('slow', `fix provider took ${Math.round(took)} ms`, f.rule);
      if (fixAllOnly && full.has(f)) continue; // a subset of the full list, checked above
      for (const fix of fixes) {
        result.fixes++;
        const where = `${f.rule}: ${fix.title.replace(/[0-9]+/g, 'N').slice(0, 80)}`;
        let bad = false;
        for (const e of fix.edits) {
          const p = e.uri === URI ? rangeProblem(lines, e.range) : `edit on unknown uri ${e.uri}`;
          if (p) {
            fail('range', `fix edit: ${p}`, where);
            bad = true;
          }
        }
        if (bad) continue;
        let after: string;
        try {
          after = applyEdits(text, fix.edits);
        } catch (e) {
          const { message, stack } = errText(e);
          fail('fix-throws', `applyEdits: ${message}`, where, stack);
          continue;
        }
        if (seenResults.has(after) || seenResults.size >= MAX_FIX_RESULTS) continue;
        seenResults.add(after);
        results.push({ text: after, where });
        try {
          if (!hadYamlError && hasYamlError(after)) fail('fix-breaks-yaml', 'the fixed text no longer parses', where);
        } catch (e) {
          const { message, stack } = errText(e);
          fail('fix-reparse-throws', message, where, stack);
        }
      }
    }
  }

  // 5. One fix result per input re-analysed in full.
  if (results.length) {
    const r = rng.pick(results);
    try {
      const ws2 = new WorkspaceIndex();
      ws2.set(URI, r.text);
      const res = analyze(ws2, DEFAULT_SETTINGS, {
        onRuleError: (rule, e) => {
          const { message, stack } = errText(e);
          fail('fix-reanalyze-throws', `rule ${rule.id}: ${message}`, r.where, stack);
        },
      });
      const l2 = lspLines(r.text);
      for (const f of res.findings.get(URI) ?? []) {
        const p = rangeProblem(l2, f.range);
        if (p) fail('range', `finding range after fix: ${p}`, `${f.rule} after ${r.where}`);
      }
    } catch (e) {
      const { message, stack } = errText(e);
      fail('fix-reanalyze-throws', message, r.where, stack);
    }
  }

  // 6. Fix all, sometimes.
  if (findings.some((f) => f.fixes) && rng.chance(opts.fixAllRate)) {
    try {
      const edit = fixAll(ws, URI, DEFAULT_SETTINGS);
      if (edit) {
        const p = rangeProblem(lines, edit.range);
        if (p) fail('range', `fixAll edit: ${p}`, 'fixAll');
        else {
          const after = applyEdits(text, [edit]);
          if (!hadYamlError && hasYamlError(after)) fail('fix-breaks-yaml', 'fixAll result no longer parses', 'fixAll');
        }
      }
    } catch (e) {
      const { message, stack } = errText(e);
      fail('fix-throws', `fixAll: ${message}`, 'fixAll', stack);
    }
  }

  // 7. Rules and fixes left the parsed data alone; the reference parser agrees.
  if (!file.skipped) {
    let fresh;
    try {
      fresh = parseYaml(text);
    } catch (e) {
      const { message, stack } = errText(e);
      fail('parse-throws', `fresh parse: ${message}`, undefined, stack);
    }
    if (fresh) {
      const mutated = fresh.length !== file.documents.length || fresh.some((d, i) => !deepEqual(d.value, file.documents[i].value));
      if (mutated) fail('data-mutated', 'parsed data after analysis differs from a fresh parse');
      const oursOk = !fresh.some((d) => d.error);
      const ref = referenceLoad(text);
      const refOk = !(ref instanceof Error);
      if (oursOk && refOk) {
        const ours = fresh.map((d) => d.value);
        if (ours.length !== ref.length) {
          result.agreement = 'mismatch';
          fail('parser-mismatch', `${ours.length} documents, js-yaml has ${ref.length}`);
        } else {
          const i = ours.findIndex((v, k) => !deepEqual(v, ref[k]) && !(ref[k] === null && emptyTaggedRoot(text.slice(fresh[k].start, fresh[k].end))));
          result.agreement = i < 0 ? 'equal' : 'mismatch';
          if (i >= 0) fail('parser-mismatch', `document ${i} differs from js-yaml`);
        }
      } else result.agreement = oursOk ? 'we-accept' : refOk ? 'we-reject' : 'both-reject';
    }
  }

  result.totalMs = performance.now() - t0;
  return result;
}
