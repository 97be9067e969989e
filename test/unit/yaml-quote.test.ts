/**
 * yamlString (server/src/engine/yaml/quote.ts), the one scalar quoter of fixes and generated documents:
 * every string reads back as itself, as a value, a key and in a flow sequence, with js-yaml (YAML 1.2,
 * what the engine parses) and with a YAML 1.1 reader (what go-yaml/kubectl read).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as jsyaml from 'js-yaml';
import { parse as parseYaml } from 'yaml';
import { yamlString } from '../../server/src/engine/yaml/quote';

const TRICKY = [
  '', 'yes', 'Yes', 'NO', 'y', 'Y', 'n', 'on', 'Off', 'null', 'Null', 'nUlL', '~', 'true', 'True', 'FALSE',
  '0', '1.0', '+1', '-1', '0x1', '0o7', '017', '0b101', '1e3', '1E3', '1_000', '.inf', '-.Inf', '.nan', '.NaN',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:00', '1:20', '190:20:30.15',
  ': x', 'a: b', 'a:b', '#', 'a #b', 'a#b', ' leading', 'trailing ', '\ttab', ' ', '  ',
  'unicode ✓', 'é', '日本語', '🚀', '\u{1F600}x', '\n', 'a\nb', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\x7f', '\x9f',
  '\x00', '\x1b[31m', '\ufeff', '\ufffe', '\uffff', '\ud800', 'a\udc00', '"', "'", '\\', '\\n', '"quoted"',
  '- x', '-', '--', '---', '...', '?', '? x', '[a]', '{a}', 'a,b', '*ref', '&anchor', '!tag', '!!str', '%dir', '@x', '`x',
  '|', '>', '<<', '=', '/path/x', '_x', 'app.kubernetes.io/name', 'k8s-app', 'nginx:1.27', 'a b', 'x-', 'x.',
];

function random(seed: number, n: number): string[] {
  const alphabet = ['a', 'Z', '0', '9', '.', '-', '_', '/', ':', '#', ' ', '\t', '\n', '"', "'", '\\', ',', '[', '{', '}', '*', '&', '!', '|', '>', '%', '@', '`', '?', '~', 'é', '✓', '🚀', '\u2028', '\x85', '\x00', 'e', 'x', 'y', 'n', 'o'];
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0), s);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let str = '';
    const len = next() % 8;
    for (let j = 0; j < len; j++) str += alphabet[next() % alphabet.length];
    out.push(str);
  }
  return out;
}

test('every string round-trips through js-yaml and a YAML 1.1 reader as a value, a key and a flow item', () => {
  for (const s of [...TRICKY, ...random(20, 3000)]) {
    const q = yamlString(s);
    const what = `${JSON.stringify(s)} → ${q}`;
    assert.deepEqual(jsyaml.load(`k: ${q}\n`), { k: s }, `js-yaml value: ${what}`);
    assert.deepEqual(jsyaml.load(`${q}: 1\n`), { [s]: 1 }, `js-yaml key: ${what}`);
    assert.deepEqual(jsyaml.load(`[${q}, ${q}]\n`), [s, s], `js-yaml flow: ${what}`);
    assert.deepEqual(parseYaml(`k: ${q}\n`, { version: '1.1' }), { k: s }, `YAML 1.1 value: ${what}`);
    assert.deepEqual(parseYaml(`- {${q}: ${q}}\n`, { version: '1.1' }), [{ [s]: s }], `YAML 1.1 flow: ${what}`);
  }
});

test('names and label keys stay plain; anything a reader could take for another type is quoted', () => {
  for (const s of ['web', 'app.kubernetes.io/name', 'k8s-app', '_x', '/data', 'kube-system']) assert.equal(yamlString(s), s);
  for (const s of ['yes', 'null', '~', '0x1', '1e3', '3scale', '2001-12-14', ': x', '#', ' a']) assert.match(yamlString(s), /^"/, s);
});
