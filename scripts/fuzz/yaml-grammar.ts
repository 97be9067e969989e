/**
 * Inputs aimed at the YAML fast path (server/src/engine/yaml/fast.ts, #24) and the edges of its subset:
 * block mappings and sequences generated from a small grammar with random nesting and indentation
 * (sequences at their key's indentation or indented, `- - x`, compact `- key: v` items whose next keys
 * are at various columns), scalars from a pool of tricky plain, quoted and block forms, flow `[]`/`{}`,
 * comments and blank lines everywhere, then line-level noise (over- and under-indented lines, tabs,
 * trailing spaces, swapped lines) and CRLF/CR line ends; short soups of key, item and comment lines
 * with relative indentation; and real documents (test/realworld, examples) with small edits. Input `i` of seed `s` is a pure function of (s, i), as in inputs.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from './corpus';
import { Rng } from './rng';
import { walkYaml } from '../../test/helpers/yaml-compare';

export interface GrammarInput {
  index: number;
  /** How it was made: `grammar`, `lines` or `mutate(<file>: edits)`. */
  origin: string;
  text: string;
}

const PLAIN = [
  'yes', 'Yes', 'YES', 'No', 'no', 'y', 'n', 'Y', 'on', 'On', 'off', 'OFF', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False',
  '~', '~~', 'null', 'Null', 'NULL', 'nULL', 'nul', '0x1F', '0x', '0xG', '0o17', '0o8', '0o', '010', '08', '09.5', '0', '-0', '+0',
  '1e3', '1e', '1.2e+3', '0.1e-5', '.5', '+.5', '-.5', '1.', '.', '-.inf', '.inf', '.Inf', '.INF', '.inF', '-.Inf', '.NaN', '.nan',
  '.NAN', 'NaN', 'inf', '1_000', '1__0', '_1', '1_', '0_7', '1_000.5', '1,000', '+1', '-1', '+-1', '2001-12-14', '2001-1-1',
  '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2002-02-30', '12:30:45', '190:20:30', '1:20', '-1:20', '0b101',
  '0b2', '0b', '12345678901234567890', '1.2.3', 'a:b', 'http://x:8080/p', 'nginx:1.25', 'a::b', 'a#b', 'x#', 'a b', 'a  b',
  'café', 'ü', '中文', '😀', '😀 ok', 'a\u00a0b', 'x]', 'x,y', 'x}', 'x{', 'a"b', "a'b", '=', '<<', '-x', '?x', ':x', '--x', '-',
  'key:value', 'a ,b', 'a [b]', 'a|b', 'a>b', 'a%b', 'a@b', 'a!b', 'a&b', 'a*b', 'RuntimeDefault', 'ALL', 'NET_ADMIN', 'nginx',
  '/var/run/docker.sock', '80', '443', '0.0.0.0/0', '10.0.0.1', '100m', '128Mi', '1Gi', '${VAR}', '{{ .Values.x }}', 'a\\b',
  '...x', '---x', '.a', '--- a',
];

const SINGLE = [
  "''", "'a'", "'it''s'", "'a''''b'", `'a "b"'`, "' lead'", "'trail '", "'#x'", "'a: b'", "'\\n'", "'tab\there'", "'yes'",
  "'0x1F'", "'~'", "'café'", "'😀'", "''''", "'a # b'",
];

const DOUBLE = [
  '""', '"a"', '"\\""', '"\\\\"', '"a\\nb"', '"\\t"', '"\\0"', '"\\ "', '"\\/"', '"\\e"', '"\\N"', '"\\_"', '"\\L"', '"\\P"',
  '"\\a\\b\\v\\f\\r"', '"a\'b"', '"a # b"', '"tab\tx"', '"é"', '"1"', '"true"', '"null"', '"a\\\tb"', '"\\\\\\""',
];

/** Quoted scalars outside the subset (escapes by code, bad escapes, unterminated). */
const EDGE_QUOTED = [
  '"\\x41"', '"\\u00e9"', '"\\U0001F600"', '"\\q"', '"\\xZZ"', '"\\u12"', '"\\uD800"', '"unterminated', '"a\\', "'unterminated",
  '&a x', '*a', '!!str x', '!x y', '@x', '`x', '%x', '| x', '> x', '- x', '? x', ': x', ',x', '{x', 'a: b', 'a:\tb',
];

const KEYS = [
  'name', 'image', 'privileged', 'hostNetwork', 'metadata', 'spec', 'containers', 'securityContext', 'runAsUser', 'a', 'b', 'c',
  'ports', 'value', 'key with spaces', 'a b', '80', '0x10', '1.5', '-0', 'true', 'True', 'yes', 'null', '~', '010', '1e3', '.inf',
  '"quoted"', "'single'", '"a: b"', '""', "''", 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '"<<"', 'a:b', 'a#b',
  "'80'", '"80"', 'café', '中文', '😀', 'a ', 'k]', '-k', 'x"y', 'a\u00a0b', '"it\'s"', "'x''y'", '"\\t"',
];

/** Keys outside the subset. */
const EDGE_KEYS = ['__proto__', '"__proto__"', "'__proto__'", '<<', '2001-12-14', '? x', '&a k', '!!str k', '*a', '[a]', '{a: b}', '"\\x41"', '- k'];

const WORDS = ['alpha', 'beta', 'x', 'y', 'image: nginx', '# not a comment', 'a: b', '- item', 'café', '"q"', "'s'", 'end   ', '\tx', 'x\t', 'x \t ', '|', '>', '---', '...', '😀'];

/** Characters js-yaml treats specially or rejects somewhere: put into scalars, keys and comments of edge documents. */
const ODD = ['\u0085', '\u2028', '\u2029', '\ufeff', '\ud800', '\udc00', '\ud83d\ude00', '\u007f', '\u0080', '\u009f', '\u00a0', '\u200b', '\ufffe', '\uffff', '\u000b', '\u000c', '\u0001', '\t', '\u3000'];

const HEADERS = ['|', '>', '|-', '>-', '|+', '>+', '| # c', '>  ', '|  ', '>-  # c', '|+ #c'];
const EDGE_HEADERS = ['|2', '>1', '|2-', '|-2', '|+1', '|#c', '|x', '|0', '|10', '|\t', '| !'];

/** How often a document takes a form outside the subset (set per document: some have none, so the fast path has work). */
let W = 0;

function edge(rng: Rng): boolean {
  return W > 0 && rng.chance(W);
}

function sp(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

/** A scalar as written after `key: ` or `- `. */
function scalar(rng: Rng): string {
  const kind = rng.weighted([[6, 'plain'], [2, 'single'], [2, 'double'], [1, 'long'], [1, 'comment']] as const);
  if (edge(rng)) return rng.pick(EDGE_QUOTED);
  if (edge(rng)) {
    const s = rng.pick([...PLAIN, ...SINGLE, ...DOUBLE]);
    const at = rng.int(0, s.length);
    return s.slice(0, at) + rng.pick(ODD) + s.slice(at);
  }
  switch (kind) {
    case 'plain':
      return rng.pick(PLAIN);
    case 'single':
      return rng.pick(SINGLE);
    case 'double':
      return rng.pick(DOUBLE);
    case 'long':
      return rng.pick(['x', 'ab ', 'é', '😀', 'a:b ']).repeat(rng.logInt(20, 400)).trimEnd();
    default:
      return `${rng.pick(PLAIN)}${rng.pick([' # c', ' #', '#c', '  # c # d', ' #: x', '#', '# c'])}`;
  }
}

function key(rng: Rng, used: string[]): string {
  if (used.length && edge(rng)) return rng.pick(used);
  if (edge(rng)) return rng.pick(EDGE_KEYS);
  const k = rng.chance(0.85) ? `${rng.pick(['name', 'image', 'k', 'value', 'spec', 'port', 'field'])}${rng.int(0, 300)}` : rng.pick(KEYS);
  used.push(k);
  return k;
}

function comment(rng: Rng): string {
  if (edge(rng)) return rng.pick(['#c', '\t# c', ' #\u0001', '#']);
  return rng.pick(['', '', '', '', ' # c', ' #', ' # a: b', '   # - x', ' #\t', ' #:', ' ##']);
}

function flow(rng: Rng): string {
  if (edge(rng)) return rng.pick(['[]x', '[],', '[a, b', '{a: b}', '[[a]]', '[a, [b]]', '[,]', '[a]]', '[a] b', '[a]#c', '[a, b]: c', '[&a x]', '[a: b]', '[-]', '[- a]', '[? a]']);
  if (rng.chance(0.4)) return rng.pick(['[]', '{}', '[ ]', '{ }', '[a,]', '[ a , b ]', '[]  ', '[a, "b, c"]', "['x''y']", '[-a, ?b, :c]', '[a:b]', '[a #b]']);
  const items = Array.from({ length: rng.int(1, 4) }, () => (rng.chance(0.7) ? rng.pick(PLAIN) : rng.pick([...SINGLE, ...DOUBLE])));
  return `[${items.join(rng.pick([', ', ',', ' , ']))}]`;
}

/** A block scalar's header and content lines, its content at `col` (lines are returned with their indentation). */
function blockScalar(rng: Rng, col: number): [string, string[]] {
  const header = edge(rng) ? rng.pick(EDGE_HEADERS) : rng.pick(HEADERS);
  const lines: string[] = [];
  const n = rng.int(0, 5);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.15) lines.push('');
    else if (r < 0.25) lines.push(sp(rng.int(0, lines.length || edge(rng) ? col + 3 : col)));
    else if (r < 0.28) lines.push(`${sp(rng.int(0, col - 1))}${rng.pick(['# c', '#', '# a: b'])}`);
    // A more indented line (js-yaml takes a first one as the indentation, then the next lines end the scalar).
    else if (r < 0.35 && (lines.length || edge(rng))) lines.push(`${sp(col + rng.int(1, 3))}${rng.pick(WORDS)}`);
    else lines.push(`${sp(col)}${rng.pick(WORDS)}`);
  }
  for (let i = rng.int(0, 2); i > 0; i--) lines.push(rng.chance(0.5) ? '' : sp(rng.int(0, col + 2)));
  return [header, lines];
}

interface Ctx {
  rng: Rng;
  depth: number;
}

/** The lines of a block node whose first line starts at column `col`. */
function node(c: Ctx, col: number): string[] {
  const r = c.rng.next();
  if (c.depth > 5 || r < 0.1) return [`${sp(col)}${scalar(c.rng)}${comment(c.rng)}`];
  if (r < 0.65) return mapping(c, col);
  return sequence(c, col);
}

function nested(c: Ctx, fn: () => string[]): string[] {
  c.depth++;
  try {
    return fn();
  } finally {
    c.depth--;
  }
}

function mapping(c: Ctx, col: number): string[] {
  const { rng } = c;
  const out: string[] = [];
  const used: string[] = [];
  const n = rng.logInt(1, 6);
  for (let i = 0; i < n; i++) {
    const head = `${sp(col)}${key(rng, used)}${rng.chance(0.05) ? ' ' : ''}:`;
    let form = rng.weighted([[8, 'scalar'], [1, 'flow'], [1.5, 'block'], [5, 'nested'], [1, 'empty'], [0.7, 'next-line']] as const);
    if (form === 'nested' && c.depth > 3) form = 'scalar';
    if (form === 'scalar') out.push(`${head}${rng.chance(0.95) ? ' ' : '  '}${scalar(rng)}${comment(rng)}`);
    else if (form === 'flow') out.push(`${head} ${flow(rng)}${comment(rng)}`);
    else if (form === 'block') {
      const [header, lines] = blockScalar(rng, col + rng.pick([1, 2, 2, 4]));
      out.push(`${head} ${header}`, ...lines);
    } else if (form === 'nested') {
      out.push(`${head}${comment(rng)}`);
      if (rng.chance(0.1)) out.push(`${sp(rng.int(0, col + 4))}# between`);
      const seq = rng.chance(0.4);
      const by = seq ? rng.pick([0, 0, 2, 2, 4, 1]) : rng.pick([2, 2, 2, 4, 1, 3]);
      out.push(...nested(c, () => (seq ? sequence(c, col + by) : mapping(c, col + by))));
    } else if (form === 'empty') out.push(`${head}${comment(rng)}`);
    else out.push(`${head}${comment(rng)}`, `${sp(col + rng.pick([1, 2, 4]))}${rng.chance(0.3) ? flow(rng) : scalar(rng)}`);
    if (rng.chance(0.05)) out.push(rng.pick(['', sp(rng.int(1, 6)), `${sp(rng.int(0, col + 2))}# c`, '#']));
  }
  return out;
}

function sequence(c: Ctx, col: number): string[] {
  const { rng } = c;
  const out: string[] = [];
  const n = rng.logInt(1, 5);
  for (let i = 0; i < n; i++) {
    const gap = rng.pick([1, 1, 1, 1, 2, 3]);
    let form = rng.weighted([[5, 'scalar'], [5, 'map'], [1.5, 'seq'], [1, 'flow'], [1, 'next-line'], [0.5, 'block'], [0.3, 'empty']] as const);
    if (c.depth > 3 && (form === 'map' || form === 'seq')) form = 'scalar';
    if ((form === 'block' || form === 'empty') && !edge(rng)) form = 'scalar';
    const dash = `${sp(col)}-`;
    if (form === 'scalar') out.push(`${dash}${sp(gap)}${scalar(rng)}${comment(rng)}`);
    else if (form === 'flow') out.push(`${dash}${sp(gap)}${flow(rng)}${comment(rng)}`);
    else if (form === 'block') {
      const [header, lines] = blockScalar(rng, col + rng.pick([1, 2, 2]));
      out.push(`${dash} ${header}`, ...lines);
    } else if (form === 'empty') out.push(`${dash}${comment(rng)}`);
    else if (form === 'next-line') {
      out.push(`${dash}${comment(rng)}`);
      const by = rng.pick([1, 2, 2, 4]);
      out.push(...nested(c, () => node(c, col + by)));
    } else {
      // A compact item: its first line follows the dash, the next ones at the item's column (sometimes not).
      const at = col + 1 + gap;
      const lines = nested(c, () => (form === 'map' ? mapping(c, at) : sequence(c, at)));
      out.push(`${dash}${sp(gap)}${lines[0].slice(at)}`);
      for (const l of lines.slice(1)) out.push(edge(rng) ? `${sp(rng.pick([-1, 1, 2]))}${l}` : l);
    }
  }
  return out;
}

/** Line-level noise: indentation changed by a little, blank and comment lines, trailing spaces, tabs, swapped and dropped lines. */
function noise(rng: Rng, lines: string[]): string[] {
  const out = [...lines];
  const edits = rng.chance(0.7) ? 0 : rng.logInt(1, 3);
  for (let e = 0; e < edits && out.length; e++) {
    const i = rng.int(0, out.length - 1);
    switch (rng.int(0, 8)) {
      case 0:
        out[i] = rng.chance(0.5) ? ` ${out[i]}` : out[i].replace(/^ /, '');
        break;
      case 1:
        out.splice(i, 0, sp(rng.int(0, 6)));
        break;
      case 2:
        out.splice(i, 0, `${sp(rng.int(0, 6))}#${rng.pick(['', ' c', ' - x', ' a: b'])}`);
        break;
      case 3:
        out[i] += sp(rng.int(1, 3));
        break;
      case 4: {
        if (!edge(rng)) break;
        const at = rng.int(0, out[i].length);
        out[i] = out[i].slice(0, at) + '\t' + out[i].slice(at);
        break;
      }
      case 5:
        if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1], out[i]];
        break;
      case 6:
        out.splice(i, 1);
        break;
      case 7:
        out.splice(i, 0, out[i]);
        break;
      default:
        out[i] = out[i].replace(/^( *)/, `$1${sp(rng.pick([2, 4]))}`);
    }
  }
  return out;
}

/** One generated document (or a few, separated by `---`). */
export function grammarText(rng: Rng): string {
  W = rng.pick([0, 0, 0, 0.01, 0.03, 0.1]);
  const lines: string[] = [];
  if (rng.chance(0.1)) lines.push(rng.pick(['# top', '', '   ', '#', '# a: b']));
  if (rng.chance(0.25)) lines.push(rng.pick(['---', '---', '--- # c', '---  ', edge(rng) ? '--- #c' : '---', edge(rng) ? '---\t' : '---']));
  const c: Ctx = { rng, depth: 0 };
  const root = rng.weighted([[7, 'map'], [2, 'seq'], [0.5, 'scalar'], [W, 'indented']] as const);
  if (root === 'map') lines.push(...mapping(c, 0));
  else if (root === 'seq') lines.push(...sequence(c, 0));
  else if (root === 'scalar') lines.push(`${scalar(rng)}${comment(rng)}`);
  else lines.push(...mapping(c, rng.int(1, 2)));
  if (rng.chance(0.1)) lines.push(rng.pick(['# end', '', '  ', edge(rng) ? '...' : '#', '---']));
  const body = noise(rng, lines);
  const eol = rng.weighted([[8, '\n'], [1, '\r\n'], [1, '\r'], [0.3, 'mixed']] as const);
  let text = '';
  for (const l of body) text += l + (eol === 'mixed' ? rng.pick(['\n', '\r\n', '\r']) : eol);
  if (rng.chance(0.15)) text = text.replace(/(\r\n|\r|\n)$/, '');
  return text;
}

let seeds: { name: string; text: string }[] | undefined;

/** The documents of test/realworld and examples (at most 20,000 characters each). */
function realDocuments(): { name: string; text: string }[] {
  if (seeds) return seeds;
  seeds = [];
  for (const root of ['test/realworld', 'examples']) {
    for (const f of walkYaml(path.join(REPO, root))) {
      const name = path.relative(REPO, f).split(path.sep).join('/');
      for (const doc of readFileSync(f, 'utf8').split(/^---[^\n]*\n/m)) if (doc.trim() && doc.length <= 20000) seeds.push({ name, text: doc });
    }
  }
  return seeds;
}

const INSERTS = [' ', ' ', ':', ': ', '-', '- ', '#', ' #', '\t', '"', "'", '\n', '\r', 'x', '|', '>', '[', ']', '{', '}', ',', '&', '*', '!', '?', '\\', 'é', '😀', ...ODD];

/** A real document with 1–3 small edits (a character deleted or inserted, a line re-indented, swapped, duplicated or deleted). */
function mutated(rng: Rng): { origin: string; text: string } {
  const docs = realDocuments();
  const seed = rng.pick(docs);
  let text = seed.text;
  const edits: string[] = [];
  for (let e = rng.int(1, 3); e > 0; e--) {
    const lines = text.split('\n');
    const i = rng.int(0, Math.max(0, lines.length - 2));
    const op = rng.int(0, 6);
    if (op === 0 && text.length) {
      const at = rng.int(0, text.length - 1);
      text = text.slice(0, at) + text.slice(at + 1);
      edits.push('delete');
      continue;
    }
    if (op === 1) {
      const at = rng.int(0, text.length);
      text = text.slice(0, at) + rng.pick(INSERTS) + text.slice(at);
      edits.push('insert');
      continue;
    }
    if (op === 2) {
      lines[i] = rng.chance(0.5) ? sp(rng.int(1, 2)) + lines[i] : lines[i].replace(/^ {1,2}/, '');
      edits.push('indent');
    } else if (op === 3 && i + 1 < lines.length) {
      [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
      edits.push('swap');
    } else if (op === 4) {
      lines.splice(i, 0, lines[i]);
      edits.push('dup-line');
    } else if (op === 5) {
      lines.splice(i, 1);
      edits.push('delete-line');
    } else {
      lines[i] += rng.pick([' ', '  ', ' # c', '#c', '\t']);
      edits.push('line-end');
    }
    text = lines.join('\n');
  }
  if (rng.chance(0.1)) text = text.replace(/\n/g, rng.pick(['\r\n', '\r']));
  return { origin: `mutate(${seed.name}: ${edits.join(',')})`, text };
}

const LINE_KEYS = ['a', 'b', 'c', '"q"', "'s'", '1', 'yes', 'a b', '~'];
const LINE_VALUES = ['x', '1', 'yes', '~', '"v"', "'w'", '[]', '{}', '[p, q]', '|', '>-', '|+', '', ' # c', '#c', 'é', 'x #y', 'a:b', '2001-12-14', '.5', '"a\\tb"'];

/**
 * A few lines of keys, items and compact items from a tiny vocabulary, each indented relative to the one
 * before (same, ±1, ±2, +4, −4): every way of nesting and closing a block, short enough to be dense in
 * the cases where a block ends or does not.
 */
function linesText(rng: Rng): string {
  const lines: string[] = [];
  const value = (): string => {
    const v = rng.pick(LINE_VALUES);
    return v === '' || v.startsWith(' ') ? v : ` ${v}`;
  };
  let indent = 0;
  for (let n = rng.int(1, 8), j = 0; j < n; j++) {
    indent = j === 0 ? 0 : Math.max(0, indent + rng.pick([0, 0, 0, 2, 2, -2, -4, 1, -1, 4, -2]));
    const ind = sp(indent);
    const form = rng.int(0, 9);
    if (form < 4) lines.push(`${ind}${rng.pick(LINE_KEYS)}:${value()}`);
    else if (form < 6) lines.push(`${ind}-${value()}`);
    else if (form < 8) lines.push(`${ind}-${sp(rng.int(1, 3))}${rng.pick(LINE_KEYS)}:${value()}`);
    else if (form < 9) lines.push(`${ind}${rng.pick(['# c', '', 'text', '- - x', '-'])}`);
    else lines.push(`${ind}${rng.pick(LINE_VALUES).trim()}`);
  }
  const eol = rng.pick(['\n', '\n', '\r\n', '\r']);
  return lines.join(eol) + (rng.chance(0.8) ? eol : '');
}

/** Input `index` of seed `seed`: 60 % generated from the grammar, 25 % mutated real documents, 15 % short line soups. */
export function makeGrammarInput(seed: string, index: number): GrammarInput {
  const rng = Rng.forInput(`yaml-fastpath:${seed}`, index);
  const kind = rng.weighted([[60, 'grammar'], [25, 'mutate'], [15, 'lines']] as const);
  if (kind === 'mutate') return { index, ...mutated(rng) };
  return { index, origin: kind, text: kind === 'lines' ? linesText(rng) : grammarText(rng) };
}
