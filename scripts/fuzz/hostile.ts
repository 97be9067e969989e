/**
 * Generated hostile documents: alias bombs, deep nesting, huge sequences and
 * scalars, bad encodings, odd line endings, document markers in odd places,
 * duplicate keys, merge keys, tags, very long lines.
 *
 * `big` allows the multi-megabyte variants; the fuzzer turns it on rarely so
 * a 100,000-document run stays in minutes.
 */
import * as jsyaml from 'js-yaml';
import { Rng } from './rng';
import { templates, typeSwap, Json } from './k8s';

export interface Generated {
  text?: string;
  /** Raw bytes, decoded like an editor would (TextDecoder, replacement characters). */
  bytes?: Uint8Array;
}

export type Generator = (rng: Rng, big: boolean) => Generated;

const POD_HEAD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n';

export function dumpYaml(rng: Rng, v: unknown): string {
  const style = rng.int(0, 5);
  if (style === 0) return JSON.stringify(v, null, rng.pick([0, 2])) ?? 'null';
  return jsyaml.dump(v, {
    noRefs: true,
    lineWidth: -1,
    skipInvalid: true,
    flowLevel: style === 1 ? 0 : style === 2 ? rng.int(1, 4) : -1,
    indent: rng.pick([2, 2, 4, 1]),
    noArrayIndent: rng.chance(0.5),
    quotingType: rng.chance(0.5) ? '"' : "'",
    forceQuotes: rng.chance(0.1),
  });
}

function aliasBomb(rng: Rng): Generated {
  const levels = rng.int(6, 12);
  const width = rng.int(5, 10);
  const lines: string[] = [];
  const shape = rng.int(0, 3);
  for (let l = 0; l < levels; l++) {
    if (l === 0) {
      if (shape === 0) lines.push(`a0: &a0 [${Array(width).fill('"lol"').join(', ')}]`);
      else lines.push(`a0: &a0 {name: app, image: "nginx:latest", securityContext: {privileged: true, capabilities: {add: [ALL]}}}`);
      continue;
    }
    const refs = Array(width).fill(`*a${l - 1}`).join(', ');
    if (shape === 2) lines.push(`a${l}: &a${l} {${Array.from({ length: width }, (_, i) => `k${i}: *a${l - 1}`).join(', ')}}`);
    else lines.push(`a${l}: &a${l} [${refs}]`);
  }
  const top = `*a${levels - 1}`;
  switch (rng.int(0, 4)) {
    case 0:
      return { text: lines.join('\n') + '\n' };
    case 1:
      // The bomb where rules walk: containers, annotations, labels, rules.
      return {
        text:
          `${POD_HEAD}  x: &x\n` +
          lines.map((l) => '    ' + l).join('\n') +
          `\n  containers: ${rng.pick([top, `[*a0, *a0]`, `*a${levels >> 1}`])}\n  volumes: ${top}\n  initContainers: ${top}\n`,
      };
    case 2:
      return {
        text:
          `apiVersion: v1\nkind: List\nbombs:\n` +
          lines.map((l) => '  ' + l).join('\n') +
          `\nitems: *a${levels - 1}\nmetadata: {annotations: *a${levels - 1}, labels: *a${levels - 1}}\n`,
      };
    case 3:
      return {
        text:
          `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nx:\n` +
          lines.map((l) => '  ' + l).join('\n') +
          `\nrules: ${top}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nx:\n` +
          lines.map((l) => '  ' + l).join('\n') +
          `\nspec: {podSelector: {matchLabels: ${top}}, ingress: ${top}, egress: [{to: ${top}}]}\n`,
      };
    default: {
      // Merge-key bomb: each level merges the previous one several times.
      const m: string[] = ['b0: &b0 {privileged: true, runAsUser: 0}'];
      for (let l = 1; l < levels; l++) m.push(`b${l}: &b${l} {<<: [${Array(width).fill(`*b${l - 1}`).join(', ')}], k${l}: ${l}}`);
      return { text: `${POD_HEAD}  x:\n${m.map((l) => '    ' + l).join('\n')}\n  securityContext: *b${levels - 1}\n  containers: [{name: a, image: b, securityContext: *b${levels - 1}}]\n` };
    }
  }
}

function deepFlow(rng: Rng, big: boolean): Generated {
  const depth = big ? rng.int(5000, 100000) : rng.int(150, 6000);
  const kind = rng.int(0, 3);
  const open = kind === 0 ? '[' : kind === 1 ? '{a: ' : kind === 2 ? '{' : '';
  let s: string;
  if (kind === 3) {
    const parts: string[] = [];
    for (let i = 0; i < depth; i++) parts.push(rng.chance(0.5) ? '[' : '{k: ');
    s = parts.join('');
    if (rng.chance(0.5)) s += '1' + parts.reverse().map((p) => (p === '[' ? ']' : '}')).join('');
  } else {
    s = open.repeat(depth);
    if (rng.chance(0.6)) s += (kind === 2 ? 'a' : '1') + (kind === 0 ? ']' : '}').repeat(depth - (rng.chance(0.2) ? 1 : 0));
  }
  const where = rng.int(0, 2);
  if (where === 0) return { text: s };
  if (where === 1) return { text: `${POD_HEAD}  containers: ${s}\n` };
  return { text: `apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: ${s}}\n` };
}

function deepBlock(rng: Rng, big: boolean): Generated {
  const depth = big ? rng.int(3000, 8000) : rng.int(150, 1500);
  const lines: string[] = [];
  const kind = rng.int(0, 3);
  const step = rng.pick([1, 1, 2]);
  for (let i = 0; i < depth; i++) {
    const pad = ' '.repeat(i * step);
    if (kind === 0) lines.push(`${pad}k${i}:`);
    else if (kind === 1) lines.push(`${pad}-`);
    else if (kind === 2) lines.push(`${pad}- k${i}:`);
    else lines.push(`${pad}${rng.chance(0.5) ? `k${i}:` : '-'}`);
  }
  lines.push(' '.repeat(depth * step) + 'leaf');
  const body = lines.join('\n') + '\n';
  if (rng.chance(0.5)) return { text: body };
  // Under a pod spec field.
  return { text: `${POD_HEAD}  securityContext:\n` + body.replace(/^/gm, '    ') };
}

function bigSequence(rng: Rng, big: boolean): Generated {
  // Plain sequences are cheap for the rules; Kubernetes-shaped ones (one
  // finding per container…) stay small unless `big`.
  const plain = rng.int(0, 5) < 3;
  const n = plain ? (big ? rng.int(100000, 300000) : rng.logInt(1000, 100000)) : big ? rng.int(5000, 20000) : rng.logInt(10, 1000);
  switch (plain ? rng.int(0, 2) : rng.int(3, 5)) {
    case 0:
      return { text: Array.from({ length: n }, (_, i) => `- item${i}`).join('\n') + '\n' };
    case 1:
      return { text: '[' + Array.from({ length: n }, (_, i) => i).join(',') + ']\n' };
    case 2:
      return { text: Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n') + '\n' };
    case 3:
      // A pod with n containers.
      return { text: `${POD_HEAD}  containers:\n` + Array.from({ length: n }, (_, i) => `  - name: c${i}\n    image: x\n    securityContext: {privileged: true}`).join('\n') + '\n' };
    case 4:
      // n documents.
      return { text: Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec: {hostNetwork: true}`).join('\n---\n') + '\n' };
    default:
      return { text: `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- verbs: [get]\n  resources: [${Array.from({ length: n }, (_, i) => `r${i}`).join(', ')}]\n` };
  }
}

function hugeScalar(rng: Rng, big: boolean): Generated {
  const size = big ? rng.int(1 << 20, 6 << 20) : rng.logInt(1000, 300000);
  const ch = rng.pick(['a', 'x ', '\u00e9', '😀', '\\', '"', "'", ' ', '\t', '#']);
  const blob = ch.repeat(Math.ceil(size / ch.length)).slice(0, size);
  switch (rng.int(0, 5)) {
    case 0:
      return { text: `${POD_HEAD}  containers:\n  - name: a\n    image: ${blob}\n` };
    case 1:
      return { text: `${POD_HEAD}  containers:\n  - name: a\n    image: "${blob.replace(/["\\]/g, '\\$&')}"\n` };
    case 2:
      return { text: `${POD_HEAD}  x: |\n    ${blob.replace(/\n/g, '\n    ')}\n  hostPID: true\n` };
    case 3:
      return { text: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    k: >\n      ${blob}\n` };
    case 4:
      return { text: `'${blob.replace(/'/g, "''")}'` };
    default:
      // One long key.
      return { text: `${blob.replace(/[:#\s]/g, 'z')}: 1\n` };
  }
}

function longLine(rng: Rng, big: boolean): Generated {
  if (rng.chance(0.5)) {
    // One line, many containers (a finding or more each).
    const n = big ? rng.int(5000, 20000) : rng.logInt(10, 1000);
    return { text: `${POD_HEAD}  containers: [${Array.from({ length: n }, (_, i) => `{name: c${i}, image: x}`).join(', ')}]` };
  }
  const n = big ? rng.int(100000, 400000) : rng.logInt(500, 50000);
  return { text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {' + Array.from({ length: n }, (_, i) => `l${i}: v`).join(', ') + '}}\n' };
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.nextU32() & 255;
  return b;
}

const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0xc0, 0x80], // overlong NUL
  [0xc3], // truncated 2-byte
  [0xe2, 0x82], // truncated 3-byte
  [0xed, 0xa0, 0x80], // encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // > U+10FFFF
  [0x80],
  [0xf0, 0x9f, 0x98], // truncated emoji
  [0xef, 0xbb, 0xbf], // BOM bytes (mid-file they decode to U+FEFF)
];

function invalidUtf8(rng: Rng, seedText: string): Generated {
  const base = Buffer.from(seedText, 'utf8');
  const out: number[] = [];
  const rate = rng.pick([0.001, 0.01, 0.05]);
  for (const byte of base) {
    if (rng.chance(rate)) out.push(...rng.pick(INVALID_UTF8));
    out.push(byte);
  }
  return { bytes: Uint8Array.from(out) };
}

function binary(rng: Rng, seedText: string): Generated {
  switch (rng.int(0, 3)) {
    case 0:
      return { bytes: randomBytes(rng, rng.logInt(1, 20000)) };
    case 1: {
      // Latin-1 view of random bytes: every code unit 0..255, NULs included.
      const b = randomBytes(rng, rng.logInt(1, 20000));
      return { text: Buffer.from(b).toString('latin1') };
    }
    case 2: {
      const chars = [...seedText];
      for (let i = 0; i < chars.length; i++) if (rng.chance(0.02)) chars[i] = rng.pick(['\0', '\x01', '\x07', '\x1b', '\x7f', '\ufffe', '\uffff', '\ud800', '\udc00', '\x85', '\u2028', '\u2029']);
      return { text: chars.join('') };
    }
    default:
      return { text: seedText.slice(0, rng.int(0, seedText.length)) + '\0'.repeat(rng.logInt(1, 5000)) + seedText.slice(rng.int(0, seedText.length)) };
  }
}

function lineEndings(rng: Rng, seedText: string): Generated {
  const lf = seedText.replace(/\r\n?/g, '\n');
  switch (rng.int(0, 5)) {
    case 0:
      return { text: lf.replace(/\n/g, '\r\n') };
    case 1:
      return { text: lf.replace(/\n/g, '\r') };
    case 2:
      return { text: lf.replace(/\n/g, () => rng.pick(['\n', '\r\n', '\r'])) };
    case 3:
      return { text: lf.replace(/\n/g, () => rng.pick(['\n', '\n', '\u2028', '\u0085', '\r\r\n', '\n\r'])) };
    case 4:
      return { text: '\ufeff' + lf.replace(/\n/g, '\r\n') };
    default:
      // BOMs in odd places.
      return { text: lf.replace(/\n/g, () => (rng.chance(0.05) ? '\n\ufeff' : '\n')) };
  }
}

function tabs(rng: Rng, seedText: string): Generated {
  return {
    text: seedText.replace(/^( +)/gm, (m) => (rng.chance(0.3) ? m.replace(/ {2}/g, '\t') : rng.chance(0.2) ? '\t' + m : m)),
  };
}

const MARKER_SNIPPETS = [
  '---',
  '...',
  '--- ',
  '---\t',
  '--- # c',
  '--- |\n  text',
  '--- >-\n  folded',
  '--- !!map',
  '--- &a',
  '--- {a: 1}',
  '--- [1, 2]',
  '... # end',
  '...\n---',
  '%YAML 1.1\n---',
  '%YAML 1.2\n%YAML 1.2\n---',
  '%TAG ! tag:example.com,2000:\n---',
  '%FOO bar',
  '----',
  '---a',
  '....',
  ' ---',
  ' ...',
  '"---"',
  'key: ---',
  'key: ...',
  '- ---',
  '---\n---\n---',
  '...\n...',
];

function docMarkers(rng: Rng, seedText: string): Generated {
  const lines = seedText.split('\n');
  const n = rng.int(1, 5);
  for (let i = 0; i < n; i++) lines.splice(rng.int(0, lines.length), 0, rng.pick(MARKER_SNIPPETS));
  let text = lines.join('\n');
  if (rng.chance(0.2)) text = rng.pick(MARKER_SNIPPETS) + '\n' + text;
  if (rng.chance(0.2)) text = text + '\n' + rng.pick(MARKER_SNIPPETS);
  if (rng.chance(0.1)) text = text.replace(/\n$/, '');
  return { text };
}

function duplicateKeys(rng: Rng): Generated {
  const v = rng.pick(['true', 'false', '0', 'null', '[]', '{}', 'yes', '"x"']);
  const w = rng.pick(['true', 'false', '0', 'null', '[]', '{}', 'no']);
  switch (rng.int(0, 4)) {
    case 0:
      return { text: `${POD_HEAD}  containers:\n  - name: a\n    image: b\n    securityContext:\n      privileged: ${v}\n      privileged: ${w}\n    securityContext:\n      runAsUser: 0\n` };
    case 1:
      return { text: `apiVersion: v1\nkind: Pod\nkind: Deployment\nmetadata: {name: a, name: b}\nmetadata:\n  name: c\nspec: {hostPID: ${v}, hostPID: ${w}}\n` };
    case 2:
      return { text: `{a: 1, a: 2, ? a : 3, "a": 4, 'a': 5}\n` };
    case 3:
      // Keys that stringify the same.
      return { text: `1: a\n"1": b\n1.0: c\ntrue: d\n"true": e\nyes: f\nnull: g\n~: h\n"": i\n? [a]\n: j\n? {b: 1}\n: k\n"[a]": l\n` };
    default:
      return { text: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n    pod-security.kubernetes.io/enforce: ${rng.pick(['restricted', 'baseline', 'bogus', '[]'])}\n` };
  }
}

function mergeKeys(rng: Rng): Generated {
  const snippets = [
    `x-base: &base\n  privileged: true\n  runAsUser: 0\n${POD_HEAD}  containers:\n  - name: a\n    image: b\n    securityContext:\n      <<: *base\n      privileged: false\n`,
    `${POD_HEAD}  d: &d {hostPID: true, hostNetwork: true}\n  <<: *d\n  containers: [{name: a, image: b}]\n`,
    `base: &b {apiVersion: v1, kind: Pod, metadata: {name: p}}\n<<: *b\n`,
    `a: &a {k: 1}\nb: &b {k: 2}\nc:\n  <<: [*a, *b]\n  <<: *a\n`,
    `<<: 5\n`,
    `<<: [1, 2]\n`,
    `<<: *undefined\n`,
    `a: &a [1]\n<<: *a\n`,
    `${POD_HEAD}  containers:\n  - &c\n    name: a\n    image: b\n    securityContext: {privileged: true}\n  - <<: *c\n    name: b\n  - *c\n`,
    `a: &a\n  <<: *a\n`,
    `&a a: *a\n`,
    `a: &x 1\nb: &x 2\nc: *x\n`,
    `${POD_HEAD}  securityContext: &sc\n    runAsUser: 0\n  containers:\n  - {name: a, image: b, securityContext: *sc}\n  initContainers:\n  - {name: i, image: b, securityContext: {<<: *sc, runAsUser: 1000}}\n`,
  ];
  return { text: rng.pick(snippets) };
}

function tags(rng: Rng): Generated {
  const values = [
    '!!binary aGVsbG8=',
    '!!binary "not base64 %%%"',
    '!!binary |\n    R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5',
    '!!set {a, b}',
    '!!omap [a: 1, b: 2]',
    '!!pairs [a: 1, a: 2]',
    '!!timestamp 2001-12-14t21:59:43.10-05:00',
    '2001-12-14',
    '!!float .nan',
    '.inf',
    '-.Inf',
    '!!int "12"',
    '!!int x',
    '!!str 5',
    '!!bool yes',
    '!!null ""',
    '!!map {}',
    '!!seq []',
    '!!map []',
    '!custom value',
    '!<tag:example.com,2000:foo> x',
    '!!python/object:os.system ls',
    '!!js/function "function(){}"',
    '!!js/undefined ""',
    '!',
    '!!',
    '!e!tag x',
    '!!merge <<',
    '0o17',
    '0b101',
    '0x_1F',
    '1_000',
    '190:20:30',
    '+12',
    '.5',
    '1e',
  ];
  const field = rng.pick(['privileged', 'runAsUser', 'hostPID', 'image', 'name', 'hostPort', 'add', 'type']);
  const v = rng.pick(values);
  switch (rng.int(0, 2)) {
    case 0:
      return { text: `${POD_HEAD}  hostPID: ${v}\n  containers:\n  - name: a\n    image: b\n    securityContext:\n      ${field}: ${v}\n` };
    case 1:
      return { text: `${v}\n` };
    default:
      return { text: `apiVersion: ${rng.chance(0.5) ? '!!str v1' : v}\nkind: ${rng.chance(0.5) ? 'Pod' : v}\nmetadata: {name: ${v}}\nspec: {containers: [{name: a, image: ${v}}]}\n` };
  }
}

function weirdKeys(rng: Rng): Generated {
  const k = rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf', '"__proto__"', '? [a, b]', '? {x: 1}', '1', 'null', 'true', '""', '😀', '"\\u0000"']);
  switch (rng.int(0, 3)) {
    case 0:
      return { text: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${rng.pick(['__proto__', 'constructor', 'toString'])}\n  namespace: ${rng.pick(['__proto__', 'constructor', 'hasOwnProperty'])}\n  labels:\n    ${k}: x\n  annotations:\n    ${k}: y\nspec:\n  serviceAccountName: constructor\n  containers:\n  - name: __proto__\n    image: b\n` };
    case 1:
      return { text: `${k}: {privileged: true}\n` };
    case 2:
      return { text: `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: constructor, namespace: __proto__}\nroleRef: {kind: ClusterRole, name: __proto__}\nsubjects: [{kind: ServiceAccount, name: toString, namespace: constructor}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: __proto__}\nrules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]\n` };
    default:
      return { text: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: __proto__}\nspec:\n  podSelector: {matchLabels: {${k}: x}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {constructor: x}}}]}]\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: __proto__, labels: {${k}: a}}\n` };
  }
}

function k8sWrongTypes(rng: Rng): Generated {
  const docs = rng.int(1, 3);
  const out: string[] = [];
  const all = templates();
  for (let i = 0; i < docs; i++) out.push(dumpYaml(rng, typeSwap(rng, rng.pick(all) as Json)));
  return { text: out.join(rng.pick(['---\n', '\n---\n', '...\n---\n'])) };
}

/** The named fields in the issue, verbatim. */
function k8sNamedWrongTypes(rng: Rng): Generated {
  const cases = [
    `${POD_HEAD}  containers: 5\n`,
    `${POD_HEAD}  containers:\n  - name: a\n    image: b\n    securityContext: []\n`,
    `apiVersion: v1\nkind: Pod\nmetadata: "x"\nspec: {containers: [{name: a, image: b}]}\n`,
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: [1, 2]\nspec: {containers: [{name: a, image: b}]}\n`,
    `apiVersion: v1\nkind: Pod\nmetadata: {name: 5, namespace: [], labels: "x"}\nspec: []\n`,
    `apiVersion: v1\nkind: Pod\nmetadata: null\nspec: null\n`,
    `apiVersion: 1\nkind: Pod\n`,
    `apiVersion: v1\nkind: [Pod]\n`,
    `apiVersion: v1\nkind: List\nitems: 5\n`,
    `apiVersion: v1\nkind: List\nitems: [5, null, [], {apiVersion: v1, kind: Pod, spec: 7}]\n`,
    `${POD_HEAD}  containers: [null, 5, "x", [], {}]\n  initContainers: {}\n  volumes: "x"\n  securityContext: 0\n`,
    `${POD_HEAD}  containers:\n  - name: a\n    securityContext:\n      capabilities: {add: "NET_ADMIN", drop: 5}\n      seccompProfile: "Unconfined"\n      runAsUser: "0"\n      privileged: "true"\n`,
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n  podSelector: []\n  policyTypes: Ingress\n  ingress: {from: 5}\n  egress: [5, {to: {}, ports: "x"}]\n`,
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n  podSelector: {matchExpressions: [{key: 5, operator: [], values: "x"}], matchLabels: [a]}\n  ingress: [{from: [{ipBlock: {cidr: 5, except: "10.0.0.0/8"}}], ports: [{port: [], endPort: "x", protocol: 6}]}]\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: {verbs: ["*"]}\naggregationRule: {clusterRoleSelectors: 5}\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: [{verbs: "*", resources: 5, apiGroups: null}, null, 5]\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: "cluster-admin"\nsubjects: {kind: User}\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: 5, name: []}\nsubjects: [5, {kind: [], name: {}}]\n`,
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: [], labels: {pod-security.kubernetes.io/enforce: 5, pod-security.kubernetes.io/enforce-version: []}}\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: 5}\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: {name: a}}}}\n`,
    `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {template: []}}}\n`,
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    ignore.k8s-guardrails.io/privileged-container: [a]\n    ignore.k8s-guardrails.io/host-namespaces: 5\nspec: {containers: [{name: a, image: b, securityContext: {privileged: true}}]}\n`,
  ];
  return { text: rng.pick(cases) };
}

export interface NamedGenerator {
  name: string;
  weight: number;
  /** Generators that start from a seed text get one. */
  run: (rng: Rng, big: boolean, seedText: string) => Generated;
}

export const GENERATORS: NamedGenerator[] = [
  { name: 'alias-bomb', weight: 3, run: (r) => aliasBomb(r) },
  { name: 'deep-flow', weight: 2, run: (r, b) => deepFlow(r, b) },
  { name: 'deep-block', weight: 1, run: (r, b) => deepBlock(r, b) },
  { name: 'big-sequence', weight: 0.5, run: (r, b) => bigSequence(r, b) },
  { name: 'huge-scalar', weight: 0.5, run: (r, b) => hugeScalar(r, b) },
  { name: 'long-line', weight: 0.5, run: (r, b) => longLine(r, b) },
  { name: 'invalid-utf8', weight: 3, run: (r, _b, s) => invalidUtf8(r, s) },
  { name: 'binary', weight: 2, run: (r, _b, s) => binary(r, s) },
  { name: 'line-endings', weight: 3, run: (r, _b, s) => lineEndings(r, s) },
  { name: 'tabs', weight: 2, run: (r, _b, s) => tabs(r, s) },
  { name: 'doc-markers', weight: 4, run: (r, _b, s) => docMarkers(r, s) },
  { name: 'duplicate-keys', weight: 2, run: (r) => duplicateKeys(r) },
  { name: 'merge-keys', weight: 2, run: (r) => mergeKeys(r) },
  { name: 'tags', weight: 2, run: (r) => tags(r) },
  { name: 'weird-keys', weight: 2, run: (r) => weirdKeys(r) },
  { name: 'k8s-wrong-types', weight: 8, run: (r) => k8sWrongTypes(r) },
  { name: 'k8s-named-wrong-types', weight: 2, run: (r) => k8sNamedWrongTypes(r) },
];
