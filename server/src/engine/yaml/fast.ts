/**
 * A fast path for the YAML parse (#24): a hand-written reader for the block-style subset of YAML that
 * Kubernetes manifests are written in, tried by `parseChunk` before js-yaml.
 *
 * The parse was js-yaml's cost plus our span listener, and js-yaml was the floor: the only way under it
 * is not to run it for the inputs people actually have. This reader handles block mappings and block
 * sequences (compact `- key: v` items, sequences at their key's indentation, `- - a`), plain, single- and
 * double-quoted scalars on one line, block scalars (`|`, `>` with chomping, as mapping values), one-line
 * flow sequences of scalars and the empty `[]`/`{}`, empty values, comments, blank lines, a leading
 * `---` line, LF, CRLF and CR line breaks. Plain scalars are typed by the loader's own resolution (the
 * caller's `resolve`). On anything else (anchors, aliases, tags, merge keys, explicit keys, flow
 * mappings, multi-line scalars, tabs outside quoted and block scalars, directives, duplicate and
 * `__proto__` keys, characters js-yaml rejects, deep nesting) it gives up, and js-yaml reads the chunk.
 *
 * What it produces must stay observably identical to the js-yaml path: the value (key order and scalar
 * types included) and every span record (`Spans` in parse.ts, written here in the same post-order with
 * the same starts, ends, kinds, sizes and child counts, including js-yaml's quirks: a scalar sequence
 * item is a would-be key wrapped in its item node, an empty value is zero-width after its colon). It
 * never reports an error: any doubt is a give-up. test/unit/yaml-fastpath.test.ts compares both paths on
 * every YAML text of the repository, the benchmark corpus, fuzz input and hand-written edge cases.
 */

// The `Spans` record layout of parse.ts: start, end, kind, subtree size, child count.
const STRIDE = 5;
const S_END = 1;
const KIND_MAP = 0;
const KIND_SEQ = 1;
const KIND_SCALAR = 2;
/** On the kind: the scalar's value is its source text. */
const PLAIN = 4;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const HASH = 35;
const PERCENT = 37;
const AMPERSAND = 38;
const SQUOTE = 39;
const STAR = 42;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const GREATER = 62;
const QUESTION = 63;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const BACKTICK = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const PLUS = 43;

/** Nesting beyond this gives up (js-yaml's own limit, 200 nodes deep, is then the one to report). */
const MAX_NESTING = 64;

/** What `parseFast` hands back: the document's value and its spans, written into the caller's buffer from `base` on. */
export interface FastChunk {
  value: unknown;
  /** The buffer holding the spans: the one passed in, or a larger one (this chunk's nodes then start at 0). */
  data: Int32Array;
  base: number;
  count: number;
  others: unknown[];
}

class GiveUp {
  constructor(readonly reason: string) {}
}

function giveUp(reason: string): never {
  throw new GiveUp(reason);
}

// The chunk being read (reading is synchronous and never re-entered).
let T = '';
/** Length of `T`, which ends with a line break (one is added, as js-yaml adds one). */
let LEN = 0;
/** The reading position. */
let P = 0;
/** Start of the line holding `P`. */
let LS = 0;
/** True when `P` is at the first content character of a line (or at the end), whose indentation is `IND` (-1 at the end). */
let AT_LINE = false;
let IND = 0;
let resolvePlain: (s: string) => unknown = (s) => s;
const NO_SPANS = new Int32Array(0);
const NO_OTHERS: unknown[] = [];
let buf: Int32Array = NO_SPANS;
let B = 0;
let N = 0;
let others: unknown[] = NO_OTHERS;
let nesting = 0;
let lastReason = '';

/** Why the last `parseFast` call gave up ('' when it did not): for tests and measurements. */
export function lastGiveUpReason(): string {
  return lastReason;
}

/**
 * The chunk `text` read by the fast path, its nodes written into `data` from `base` on (growing it as
 * parse.ts's `reserve` does), or undefined when it gives up (then `data` may hold partial writes past
 * `base`, which the caller's next writer overwrites). `resolve` types a plain scalar as the loader does.
 */
export function parseFast(text: string, data: Int32Array, base: number, resolve: (plain: string) => unknown): FastChunk | undefined {
  const last = text.charCodeAt(text.length - 1);
  T = last === LF || last === CR ? text : text + '\n';
  LEN = T.length;
  P = 0;
  LS = 0;
  AT_LINE = false;
  if (resolve !== resolvePlain) {
    resolvePlain = resolve;
    cacheText.fill('');
  }
  buf = data;
  B = base;
  N = 0;
  others = [];
  nesting = 0;
  lastReason = '';
  try {
    const value = document();
    return { value, data: buf, base: B, count: N, others };
  } catch (e) {
    if (!(e instanceof GiveUp)) throw e;
    lastReason = e.reason;
    return undefined;
  } finally {
    // Nothing of the chunk held here after the read.
    T = '';
    buf = NO_SPANS;
    others = NO_OTHERS;
  }
}

function document(): unknown {
  if (T.charCodeAt(0) === 0xfeff) giveUp('byte order mark');
  let ind = linesFrom(0);
  if (ind !== 0) giveUp(ind < 0 ? 'no content' : 'indented document');
  if (T.startsWith('---', P)) {
    // js-yaml takes any `---` there as the marker, even one running into text (`---a`).
    if (!isBlankOrEnd(T.charCodeAt(P + 3))) giveUp('text after the document marker');
    P += 3;
    ind = nextLine();
    if (ind !== 0) giveUp(ind < 0 ? 'no content' : 'indented document');
  }
  const value = blockNode(0);
  if ((AT_LINE ? IND : nextLine()) !== -1) giveUp('content after the root');
  return value;
}

// ---------------------------------------------------------------------------------------------------
// Lines

function isBreak(c: number): boolean {
  return c === LF || c === CR;
}

/** A space or a line break (js-yaml's `isWsOrEol` without the tab, which this reader gives up on). */
function isBlankOrEnd(c: number): boolean {
  return c === SPACE || c === LF || c === CR;
}

/** Past the line break at `p`. */
function afterBreak(p: number): number {
  return T.charCodeAt(p) === CR && T.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
}

/** From a comment's `#`: to the line break ending it. */
function skipComment(p: number): number {
  for (;;) {
    const c = T.charCodeAt(p);
    if (c === LF || c === CR) return p;
    if (c === 0) giveUp('null byte');
    p++;
  }
}

/**
 * From `p` at the start of a line: skips blank and comment lines and leaves `P` at the first content
 * character of the next content line, `LS` at its start. Returns its indentation, -1 at the end.
 */
function linesFrom(p: number): number {
  for (;;) {
    if (p >= LEN) {
      P = LS = LEN;
      AT_LINE = true;
      return (IND = -1);
    }
    let q = p;
    while (T.charCodeAt(q) === SPACE) q++;
    const c = T.charCodeAt(q);
    if (c === HASH) q = skipComment(q);
    else if (c === TAB) giveUp('tab in indentation');
    else if (!isBreak(c)) {
      P = q;
      LS = p;
      AT_LINE = true;
      return (IND = q - p);
    }
    p = afterBreak(q);
  }
}

/**
 * After a node on the line at `P`: the rest of the line must be spaces and maybe a comment. Then as
 * `linesFrom` for the next line.
 */
function nextLine(): number {
  let p = P;
  while (T.charCodeAt(p) === SPACE) p++;
  let c = T.charCodeAt(p);
  if (c === HASH) {
    if (T.charCodeAt(p - 1) !== SPACE) giveUp('comment not after a space');
    p = skipComment(p);
    c = T.charCodeAt(p);
  }
  if (!isBreak(c)) giveUp(c === TAB ? 'tab' : 'more content on the line');
  return linesFrom(afterBreak(p));
}

/** The indentation of the content line at `P`, reading on from the node that ended before it. */
function lineAfterNode(): number {
  return AT_LINE ? IND : nextLine();
}

function isSequenceDash(p: number): boolean {
  return T.charCodeAt(p) === DASH && isBlankOrEnd(T.charCodeAt(p + 1));
}

// ---------------------------------------------------------------------------------------------------
// Nodes

/** Writes node `N` (post-order): its subtree starts at node `first`. As parse.ts's `reserve` for growth. */
function emit(start: number, end: number, kind: number, first: number, count: number): void {
  if (B + (N + 1) * STRIDE > buf.length) grow();
  const o = B + N * STRIDE;
  buf[o] = start;
  buf[o + 1] = end;
  buf[o + 2] = kind;
  buf[o + 3] = N - first + 1;
  buf[o + 4] = count;
  N++;
}

/** A larger buffer with this chunk's nodes moved to its start. */
function grow(): void {
  const grown = new Int32Array(Math.max(buf.length * 2, (N + 1) * STRIDE * 2, 1024));
  grown.set(buf.subarray(B, B + N * STRIDE));
  buf = grown;
  B = 0;
}

/** A scalar leaf; a string written plainly is its own text (PLAIN), any other value goes to `others`. */
function emitScalar(start: number, end: number, value: unknown, plain: boolean): void {
  if (plain && typeof value === 'string' && value.length === end - start) emit(start, end, KIND_SCALAR | PLAIN, N, 0);
  else {
    others.push(N, value);
    emit(start, end, KIND_SCALAR, N, 0);
  }
}

function lastEnd(): number {
  return buf[B + (N - 1) * STRIDE + S_END];
}

function enter(): void {
  if (++nesting > MAX_NESTING) giveUp('deep nesting');
}

/**
 * A node in block context at `P`, the first content of its line or after a `- ` (column `P - LS`): a
 * sequence, a mapping, or a scalar. js-yaml reads a scalar there as a would-be mapping key (a node of its
 * own) and keeps it as this node: two nodes with one span. A flow sequence read that way is one node.
 */
function blockNode(column: number): unknown {
  if (isSequenceDash(P)) return blockSequence(column);
  const c = T.charCodeAt(P);
  if (c === LBRACKET || c === LBRACE) {
    const value = flowCollection();
    if (followedByColon()) giveUp('flow collection as a key');
    return value;
  }
  readToken();
  if (followedByColon()) return blockMapping(column);
  const first = N;
  const value = tokenValue();
  emitScalar(TOKEN_START, TOKEN_END, value, !TOKEN_QUOTED);
  if (!TOKEN_QUOTED) P = TOKEN_END;
  AT_LINE = false;
  const kind = buf[B + (N - 1) * STRIDE + 2];
  if (!(kind & PLAIN)) others.push(N, value);
  emit(TOKEN_START, TOKEN_END, kind, first, 1);
  return value;
}

/** A block mapping whose first key was just read by `readToken` (in column `column`). */
function blockMapping(column: number): Record<string, unknown> {
  enter();
  const first = N;
  const start = TOKEN_START;
  const result: Record<string, unknown> = {};
  let pairs = 0;
  // One bit per key of this mapping, by a cheap hash: only a key whose bit is set can be a duplicate.
  let seen = 0;
  for (;;) {
    const key = mappingKey();
    const bit = 1 << ((key.length * 31 + key.charCodeAt(0) * 7 + key.charCodeAt(key.length - 1)) & 31);
    // A duplicate (or a key the object has already, like `constructor`) is left to js-yaml.
    if (seen & bit && result[key] !== undefined) giveUp('duplicate key');
    seen |= bit;
    result[key] = mappingValue(column);
    pairs++;
    const ind = lineAfterNode();
    if (ind < column) break;
    if (ind > column) giveUp('bad indentation');
    if (isSequenceDash(P)) giveUp('sequence item in a mapping');
    readToken();
    if (!followedByColon()) giveUp('not a key');
  }
  emit(start, lastEnd(), KIND_MAP, first, pairs * 2);
  nesting--;
  return result;
}

/** The key read by `readToken`, with `P` at its colon: writes its node and moves past the colon. */
function mappingKey(): string {
  let key: string;
  if (TOKEN_QUOTED) {
    key = TOKEN_VALUE as string;
    emitScalar(TOKEN_START, TOKEN_END, key, false);
  } else {
    const i = cachedPlain();
    if (i < 0) giveUp('key that is an object');
    key = cacheKey[i];
    if (key === '<<') giveUp('merge key');
    emitScalar(TOKEN_START, TOKEN_END, cacheValue[i], true);
  }
  if (key === '__proto__') giveUp('__proto__ key');
  P++; // the colon
  return key;
}

/** The value after a key's colon (`P` just past it) of a mapping in column `column`. */
function mappingValue(column: number): unknown {
  const open = P;
  while (T.charCodeAt(P) === SPACE) P++;
  const c = T.charCodeAt(P);
  if (c === HASH || isBreak(c)) {
    const ind = nextLine();
    if (ind > column) {
      enter();
      const value = blockNode(ind);
      nesting--;
      return value;
    }
    if (ind === column && isSequenceDash(P)) return blockSequence(column);
    // Nothing: a zero-width null where js-yaml opened the node, just after the colon.
    others.push(N, null);
    emit(open, open, KIND_SCALAR, N, 0);
    return null;
  }
  if (c === LBRACKET || c === LBRACE) return flowCollection();
  if (c === PIPE || c === GREATER) return blockScalar(column + 1);
  readToken();
  if (!TOKEN_QUOTED && TOKEN_STOP === COLON) giveUp('colon in a plain value');
  const value = tokenValue();
  emitScalar(TOKEN_START, TOKEN_END, value, !TOKEN_QUOTED);
  if (!TOKEN_QUOTED) P = TOKEN_END;
  AT_LINE = false;
  return value;
}

/** A block sequence whose first `- ` is at `P`, in column `column`. */
function blockSequence(column: number): unknown[] {
  enter();
  const first = N;
  const start = P;
  const result: unknown[] = [];
  for (;;) {
    P++; // the dash
    while (T.charCodeAt(P) === SPACE) P++;
    const c = T.charCodeAt(P);
    if (c === HASH || isBreak(c)) {
      const ind = nextLine();
      if (ind <= column) giveUp('empty sequence item');
      result.push(blockNode(ind));
    } else {
      result.push(blockNode(P - LS));
    }
    const ind = lineAfterNode();
    if (ind < column || (ind === column && !isSequenceDash(P))) break;
    if (ind > column) giveUp('bad indentation');
  }
  emit(start, lastEnd(), KIND_SEQ, first, result.length);
  nesting--;
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Scalars

// The scalar token read by `readToken`: where it is, whether quoted (its value then in TOKEN_VALUE), and
// for a plain one what stopped it (COLON, HASH or LF).
let TOKEN_START = 0;
let TOKEN_END = 0;
let TOKEN_QUOTED = false;
let TOKEN_VALUE: unknown;
let TOKEN_STOP = 0;
/** A hash of a plain token's text, for `cachedPlain`. */
let TOKEN_HASH = 0;

// Plain scalars typed before, by a hash of their text (direct-mapped): most keys and many values repeat,
// and a hit allocates no string and types nothing. Fewer new strings is less for the young-generation GC
// to copy (everything parsed survives), and a key is then a string V8 has interned already.
const CACHE_SIZE = 2048;
const CACHE_MAX_LENGTH = 40;
const cacheText: string[] = new Array<string>(CACHE_SIZE).fill('');
/** The typed value (a primitive: objects such as dates are never shared between documents). */
const cacheValue: unknown[] = new Array<unknown>(CACHE_SIZE).fill(null);
/** The value as a property key. */
const cacheKey: string[] = new Array<string>(CACHE_SIZE).fill('');

/**
 * The cache slot holding the plain token just read, filled when missing; -1 when its value is an object
 * (then in TOKEN_VALUE, not kept).
 */
function cachedPlain(): number {
  const start = TOKEN_START;
  const length = TOKEN_END - start;
  const i = TOKEN_HASH & (CACHE_SIZE - 1);
  const cached = cacheText[i];
  if (cached.length === length && T.startsWith(cached, start)) return i;
  const text = T.slice(start, TOKEN_END);
  const value = resolvePlain(text);
  if (typeof value === 'object' && value !== null) {
    TOKEN_VALUE = value;
    return -1;
  }
  // A long text takes the slot for this read only (the next lookup misses): long texts rarely repeat.
  cacheText[i] = length > CACHE_MAX_LENGTH ? '' : text;
  cacheValue[i] = value;
  cacheKey[i] = typeof value === 'string' ? value : String(value);
  return i;
}

/** Reads a scalar on the line at `P`: quoted (`P` then after it) or plain (`P` where it stopped). */
function readToken(): void {
  const c = T.charCodeAt(P);
  TOKEN_START = P;
  if (c === DQUOTE || c === SQUOTE) {
    TOKEN_VALUE = c === DQUOTE ? doubleQuoted() : singleQuoted();
    TOKEN_QUOTED = true;
    TOKEN_END = P;
    return;
  }
  TOKEN_QUOTED = false;
  if (!canStartPlain(c)) giveUp(`scalar starting with ${JSON.stringify(String.fromCharCode(c))}`);
  if (P === LS && (c === DASH || c === DOT) && T.startsWith(c === DASH ? '---' : '...', P) && isBlankOrEnd(T.charCodeAt(P + 3))) giveUp('document marker');
  plainScalar(false);
}

/** The value of the token: the quoted text, or the plain text typed by the loader's resolution. */
function tokenValue(): unknown {
  if (TOKEN_QUOTED) return TOKEN_VALUE;
  const i = cachedPlain();
  return i < 0 ? TOKEN_VALUE : cacheValue[i];
}

/** After a token: spaces, then a colon that makes it a key? (`P` is left at the colon when so.) */
function followedByColon(): boolean {
  let p = P;
  while (T.charCodeAt(p) === SPACE) p++;
  if (T.charCodeAt(p) === COLON && isBlankOrEnd(T.charCodeAt(p + 1))) {
    P = p;
    return true;
  }
  return false;
}

/** What js-yaml's `readPlainScalar` accepts as a first character (ws, indicators and quotes excluded). */
function canStartPlain(c: number): boolean {
  switch (c) {
    case SPACE: case TAB: case LF: case CR: case COMMA: case LBRACKET: case RBRACKET: case LBRACE: case RBRACE:
    case HASH: case AMPERSAND: case STAR: case BANG: case PIPE: case GREATER: case SQUOTE: case DQUOTE:
    case PERCENT: case AT: case BACKTICK:
      return false;
    case DASH: case QUESTION: case COLON: {
      const next = T.charCodeAt(P + 1);
      return !isBlankOrEnd(next) && !(next === TAB);
    }
    default:
      return c === c; // not NaN (the end)
  }
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/**
 * A plain scalar on one line from `P`: TOKEN_END after its last non-space, TOKEN_STOP what ended it (a
 * `: `, a ` #`, the line break; in a flow collection also an indicator), `P` there. A continuation on
 * the next line is not seen here: the callers give up on a more indented line after it.
 */
function plainScalar(inFlow: boolean): void {
  let p = P;
  let end = p;
  let h = 0;
  let hash = 0;
  for (;;) {
    const c = T.charCodeAt(p);
    h = (Math.imul(h, 31) + c) | 0;
    if (c === COLON) {
      const next = T.charCodeAt(p + 1);
      if (isBlankOrEnd(next) || next === TAB || (inFlow && isFlowIndicator(next))) {
        TOKEN_STOP = COLON;
        break;
      }
    } else if (c === HASH) {
      if (T.charCodeAt(p - 1) === SPACE) {
        TOKEN_STOP = HASH;
        break;
      }
    } else if (c === LF || c === CR) {
      TOKEN_STOP = LF;
      break;
    } else if (c === SPACE) {
      p++;
      continue;
    } else if (inFlow && isFlowIndicator(c)) {
      TOKEN_STOP = c;
      break;
    } else if (c < SPACE || c >= 0x7f) {
      p = checkedChar(c, p);
      end = p;
      hash = h;
      continue;
    }
    end = ++p;
    hash = h;
  }
  if (end === P) giveUp('empty plain scalar');
  TOKEN_END = end;
  TOKEN_HASH = hash;
  P = p;
}

/** Past the character `c` at `p` when js-yaml accepts it in a scalar's text; else gives up. */
function checkedChar(c: number, p: number): number {
  if (c < SPACE || (c >= 0x7f && c <= 0x9f) || c >= 0xfffe) giveUp('control character');
  if (c >= 0xd800 && c <= 0xdfff) {
    const low = T.charCodeAt(p + 1);
    if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) giveUp('lone surrogate');
    return p + 2;
  }
  return p + 1;
}

/** A single-quoted scalar on one line from its quote at `P`; `P` ends after the closing quote. */
function singleQuoted(): string {
  let p = P + 1;
  let from = p;
  let out = '';
  for (;;) {
    const c = T.charCodeAt(p);
    if (c === SQUOTE) {
      if (T.charCodeAt(p + 1) !== SQUOTE) break;
      out += T.slice(from, p + 1);
      p += 2;
      from = p;
    } else if (c < SPACE && c !== TAB) giveUp(isBreak(c) ? 'multi-line quoted scalar' : 'control character');
    else p++;
  }
  P = p + 1;
  return out + T.slice(from, p);
}

/** The escapes js-yaml's `simpleEscapeSequence` maps, by the character after the backslash. */
const ESCAPES: Record<number, string> = {
  0x30: '\x00', 0x61: '\x07', 0x62: '\x08', 0x74: '\x09', 0x09: '\x09', 0x6e: '\x0A', 0x76: '\x0B', 0x66: '\x0C',
  0x72: '\x0D', 0x65: '\x1B', 0x20: ' ', 0x22: '"', 0x2f: '/', 0x5c: '\\', 0x4e: '\x85', 0x5f: '\xA0',
  0x4c: '\u2028', 0x50: '\u2029',
};

/** A double-quoted scalar on one line from its quote at `P`; `\x`, `\u`, `\U` escapes give up. */
function doubleQuoted(): string {
  let p = P + 1;
  let from = p;
  let out = '';
  for (;;) {
    const c = T.charCodeAt(p);
    if (c === DQUOTE) break;
    if (c === BACKSLASH) {
      const escaped = ESCAPES[T.charCodeAt(p + 1)];
      if (escaped === undefined) giveUp('escape');
      out += T.slice(from, p) + escaped;
      p += 2;
      from = p;
    } else if (c < SPACE && c !== TAB) giveUp(isBreak(c) ? 'multi-line quoted scalar' : 'control character');
    else p++;
  }
  P = p + 1;
  return out + T.slice(from, p);
}

/**
 * A flow collection on one line at `P`: `[]`, `{}`, or a sequence of scalars (`[a, "b"]`), as js-yaml's
 * `readFlowCollection` reads them: items are nodes of their own (no wrapper), plain ones typed.
 */
function flowCollection(): unknown {
  const start = P;
  const first = N;
  const close = T.charCodeAt(P) === LBRACKET ? RBRACKET : RBRACE;
  const result: unknown[] = [];
  P++;
  for (;;) {
    while (T.charCodeAt(P) === SPACE) P++;
    const c = T.charCodeAt(P);
    if (c === close) break;
    if (close === RBRACE) giveUp('flow mapping');
    if (c === DQUOTE || c === SQUOTE) {
      TOKEN_START = P;
      const value = c === DQUOTE ? doubleQuoted() : singleQuoted();
      emitScalar(TOKEN_START, P, value, false);
      result.push(value);
    } else {
      if (!canStartPlain(c) || isFlowIndicator(c) || ((c === DASH || c === QUESTION) && isFlowIndicator(T.charCodeAt(P + 1)))) giveUp('flow item');
      TOKEN_START = P;
      TOKEN_QUOTED = false;
      plainScalar(true);
      const value = tokenValue();
      emitScalar(TOKEN_START, TOKEN_END, value, true);
      result.push(value);
    }
    while (T.charCodeAt(P) === SPACE) P++;
    const after = T.charCodeAt(P);
    if (after === COMMA) P++;
    else if (after !== close) giveUp('flow item separator');
  }
  P++;
  if (!isBlankOrEnd(T.charCodeAt(P)) && T.charCodeAt(P) !== COLON) giveUp('text after a flow collection');
  emit(start, P, close === RBRACKET ? KIND_SEQ : KIND_MAP, first, result.length);
  AT_LINE = false;
  return close === RBRACKET ? result : {};
}

/**
 * A block scalar (`|`, `>`, with a chomping indicator) as a mapping value, from its indicator at `P`:
 * js-yaml's `readBlockScalar` with `nodeIndent` the mapping's column + 1, ported as is. Leaves `P` at the
 * first content line after it.
 */
function blockScalar(nodeIndent: number): string {
  const start = P;
  const folding = T.charCodeAt(P) === GREATER;
  let chomping = 0; // 0 clip, -1 strip, 1 keep
  let c = T.charCodeAt(++P);
  if (c === DASH || c === PLUS) {
    chomping = c === PLUS ? 1 : -1;
    c = T.charCodeAt(++P);
  }
  if (c === SPACE) {
    while (c === SPACE) c = T.charCodeAt(++P);
    if (c === HASH) P = skipComment(P);
    c = T.charCodeAt(P);
  }
  if (!isBreak(c)) giveUp('block scalar header');
  let textIndent = nodeIndent;
  let detectedIndent = false;
  let didReadContent = false;
  let emptyLines = 0;
  let atMoreIndented = false;
  let result = '';
  for (;;) {
    // Past the end (c is NaN) is js-yaml's terminator: a line with no indentation, which ends the scalar.
    P = afterBreak(P);
    LS = P;
    let lineIndent = 0;
    c = T.charCodeAt(P);
    while ((!detectedIndent || lineIndent < textIndent) && c === SPACE) {
      lineIndent++;
      c = T.charCodeAt(++P);
    }
    if (!detectedIndent && lineIndent > textIndent) textIndent = lineIndent;
    if (isBreak(c)) {
      emptyLines++;
      continue;
    }
    if (!detectedIndent && textIndent === 0) giveUp('block scalar without indentation');
    if (lineIndent < textIndent) {
      if (chomping === 1) result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      else if (chomping === 0 && didReadContent) result += '\n';
      break;
    }
    if (folding) {
      if (c === SPACE || c === TAB) {
        atMoreIndented = true;
        result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      } else if (atMoreIndented) {
        atMoreIndented = false;
        result += '\n'.repeat(emptyLines + 1);
      } else if (emptyLines === 0) {
        if (didReadContent) result += ' ';
      } else {
        result += '\n'.repeat(emptyLines);
      }
    } else {
      result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
    }
    didReadContent = true;
    detectedIndent = true;
    emptyLines = 0;
    const from = P;
    while (!isBreak(c)) {
      if (c < SPACE && c !== TAB) giveUp('control character');
      if (c >= 0x7f) P = checkedChar(c, P) - 1;
      c = T.charCodeAt(++P);
    }
    result += T.slice(from, P);
  }
  // The node ends at its last non-space character (the listener's trim).
  let end = P < LEN ? P : LEN;
  for (let e = T.charCodeAt(end - 1); end > start && (isBlankOrEnd(e) || e === TAB); e = T.charCodeAt(end - 1)) end--;
  others.push(N, result);
  emit(start, end, KIND_SCALAR, N, 0);
  // P is at the first non-space of a less indented line (maybe a comment), or past the end.
  linesFrom(LS);
  return result;
}
