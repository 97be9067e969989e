/**
 * Input generation: input `i` of seed `s` is a pure function of (s, i).
 * Mix: mutated corpus files, type-swapped corpus objects, spliced documents,
 * and generated hostile documents (see hostile.ts), sometimes mutated further.
 */
import * as jsyaml from 'js-yaml';
import { Rng } from './rng';
import { Seed } from './corpus';
import { dumpYaml, Generated, GENERATORS } from './hostile';
import { typeSwap, Json } from './k8s';

export interface FuzzInput {
  index: number;
  /** How it was made, e.g. `mutate(test/fixtures/pss/privileged.yaml: flip,dup-line)`. */
  origin: string;
  /** The text the engine sees. */
  text: string;
  /** Raw bytes when the input was made from bytes (decoded into `text`). */
  bytes?: Uint8Array;
}

const TOKENS = [
  ':', ': ', '-', '- ', ' ', '\n', '\t', '[', ']', '{', '}', ',', '"', "'", '&a', '*a', '&a ', '*a ', '!', '!!str ', '#', '|', '>', '|-', '>+', '%', '@', '`', '?', '? ',
  '\0', '\r', '\r\n', '\ufeff', '\ud800', '\udc00', '😀', '\u2028', '\u00a0', '<<: ', '---', '...', '\\', 'null', '~', 'true', 'yes', '0', '-1', '1e9', '{{', '}}',
];

function lines(text: string): string[] {
  return text.split('\n');
}

type Mutator = (rng: Rng, text: string, corpus: Seed[]) => string;

const MUTATORS: [string, number, Mutator][] = [
  [
    'flip',
    4,
    (rng, t) => {
      if (!t.length) return rng.pick(TOKENS);
      const at = rng.int(0, t.length - 1);
      const by = rng.chance(0.5) ? rng.pick(TOKENS) : String.fromCharCode(rng.int(0, rng.chance(0.9) ? 127 : 0xffff));
      return t.slice(0, at) + by + t.slice(at + (rng.chance(0.5) ? 1 : 0));
    },
  ],
  [
    'bitflip',
    1,
    (rng, t) => {
      if (!t.length) return t;
      const at = rng.int(0, t.length - 1);
      return t.slice(0, at) + String.fromCharCode(t.charCodeAt(at) ^ (1 << rng.int(0, 7))) + t.slice(at + 1);
    },
  ],
  [
    'delete-range',
    1,
    (rng, t) => {
      const a = rng.int(0, t.length);
      return t.slice(0, a) + t.slice(Math.min(t.length, a + rng.logInt(1, 200)));
    },
  ],
  [
    'delete-line',
    3,
    (rng, t) => {
      const l = lines(t);
      l.splice(rng.int(0, l.length - 1), rng.logInt(1, 4));
      return l.join('\n');
    },
  ],
  [
    'dup-line',
    3,
    (rng, t) => {
      const l = lines(t);
      const i = rng.int(0, l.length - 1);
      const n = rng.logInt(1, 4);
      l.splice(rng.int(0, l.length), 0, ...l.slice(i, i + n));
      return l.join('\n');
    },
  ],
  [
    'swap-lines',
    1,
    (rng, t) => {
      const l = lines(t);
      const i = rng.int(0, l.length - 1);
      const j = rng.int(0, l.length - 1);
      [l[i], l[j]] = [l[j], l[i]];
      return l.join('\n');
    },
  ],
  [
    'indent',
    4,
    (rng, t) => {
      const l = lines(t);
      const i = rng.int(0, l.length - 1);
      const n = rng.chance(0.5) ? 1 : rng.logInt(1, 20);
      const by = rng.pick([-4, -2, -1, 1, 2, 4]);
      for (let k = i; k < Math.min(l.length, i + n); k++) {
        if (by > 0) l[k] = ' '.repeat(by) + l[k];
        else l[k] = l[k].replace(new RegExp(`^ {0,${-by}}`), '');
      }
      return l.join('\n');
    },
  ],
  [
    'truncate',
    1,
    (rng, t) => t.slice(0, rng.int(0, t.length)),
  ],
  [
    'splice',
    2,
    (rng, t, corpus) => {
      const other = rng.pick(corpus).text;
      const a = rng.int(0, other.length);
      const piece = other.slice(a, a + rng.logInt(1, 2000));
      const at = rng.int(0, t.length);
      return t.slice(0, at) + piece + t.slice(at);
    },
  ],
  [
    'splice-lines',
    2,
    (rng, t, corpus) => {
      const other = lines(rng.pick(corpus).text);
      const a = rng.int(0, other.length - 1);
      const l = lines(t);
      l.splice(rng.int(0, l.length), 0, ...other.slice(a, a + rng.logInt(1, 30)));
      return l.join('\n');
    },
  ],
  [
    'value-swap',
    3,
    (rng, t) => {
      // Replace the value after a `key:` on some line.
      const l = lines(t);
      const candidates = l.map((x, i) => (/:\s+\S/.test(x) ? i : -1)).filter((i) => i >= 0);
      if (!candidates.length) return t;
      const i = rng.pick(candidates);
      l[i] = l[i].replace(/(:\s+)\S.*$/, `$1${rng.pick(['null', '5', '[]', '{}', '[1, 2]', '"x"', 'yes', '~', '*a', '&a x', '!!binary aGk=', '-1', '.nan', '0x10', '{a: [b, {c: d}]}', '|', '>-', "''", '""'])}`);
      return l.join('\n');
    },
  ],
  [
    'marker-line',
    2,
    (rng, t) => {
      const l = lines(t);
      l.splice(rng.int(0, l.length), 0, rng.pick(['---', '...', '--- |', '--- &a', '%YAML 1.1', '--- !!str', '... #', '---\t# c', '  ---', '- ---']));
      return l.join('\n');
    },
  ],
  [
    'repeat-block',
    1,
    (rng, t) => {
      const a = rng.int(0, t.length);
      const piece = t.slice(a, a + rng.logInt(1, 500));
      return t.slice(0, a) + piece.repeat(rng.logInt(2, 50)) + t.slice(a);
    },
  ],
];

function mutate(rng: Rng, text: string, corpus: Seed[], n: number): [string, string[]] {
  const names: string[] = [];
  for (let k = 0; k < n; k++) {
    const [name, , fn] = rng.weighted(MUTATORS.map((m) => [m[1], m] as const));
    text = fn(rng, text, corpus);
    names.push(name);
  }
  return [text, names];
}

/** Parse a seed for its objects (our YAML 1.1 booleans do not matter here). */
function seedObjects(seed: Seed): Json[] {
  try {
    const out: Json[] = [];
    jsyaml.loadAll(seed.text, (d) => {
      if (d !== null && typeof d === 'object') out.push(d as Json);
    });
    return out;
  } catch {
    return [];
  }
}

const objectsCache = new Map<string, Json[]>();

export interface InputOptions {
  /** Probability of the multi-megabyte variants. */
  bigRate: number;
}

export function makeInput(seed: string, index: number, corpus: Seed[], opts: InputOptions): FuzzInput {
  const rng = Rng.forInput(seed, index);
  const base = rng.pick(corpus);
  const strategy = rng.weighted([
    [40, 'mutate'],
    [15, 'type-swap'],
    [7, 'splice-docs'],
    [38, 'generate'],
  ] as const);
  let origin: string;
  let text: string;
  let bytes: Uint8Array | undefined;
  switch (strategy) {
    case 'mutate': {
      const [t, names] = mutate(rng, base.text, corpus, rng.logInt(1, 8));
      text = t;
      origin = `mutate(${base.name}: ${names.join(',')})`;
      break;
    }
    case 'type-swap': {
      let objs = objectsCache.get(base.name);
      if (!objs) objectsCache.set(base.name, (objs = seedObjects(base)));
      if (!objs.length) {
        text = base.text;
        origin = `copy(${base.name})`;
        break;
      }
      const docs = objs.map((o) => (rng.chance(0.5) ? typeSwap(rng, o) : o)).map((o) => dumpYaml(rng, o));
      text = docs.join('---\n');
      origin = `type-swap(${base.name})`;
      break;
    }
    case 'splice-docs': {
      const other = rng.pick(corpus);
      const a = base.text.split(/^---.*$/m);
      const b = other.text.split(/^---.*$/m);
      const picked = [...a.slice(0, rng.int(0, a.length)), ...b.slice(rng.int(0, b.length - 1))];
      text = picked.join(rng.pick(['---\n', '---', '\n---\n', '...\n', '--- \n', '---\r\n']));
      origin = `splice-docs(${base.name} + ${other.name})`;
      break;
    }
    default: {
      const g = rng.weighted(GENERATORS.map((x) => [x.weight, x] as const));
      const big = rng.chance(opts.bigRate);
      const out: Generated = g.run(rng, big, base.text);
      origin = `${g.name}${big ? '[big]' : ''}(${base.name})`;
      if (out.bytes) {
        bytes = out.bytes;
        text = new TextDecoder('utf-8').decode(out.bytes);
      } else text = out.text ?? '';
      // Sometimes mutate the small generated ones further.
      if (!bytes && text.length < 100000 && rng.chance(0.25)) {
        const [t, names] = mutate(rng, text, corpus, rng.logInt(1, 4));
        text = t;
        origin += `+mutate(${names.join(',')})`;
      }
    }
  }
  return { index, origin, text, bytes };
}
