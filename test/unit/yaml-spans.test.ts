/**
 * Node spans of a file's documents live in shared buffers (SpanArena). A
 * document reused by DocumentCache after an edit keeps the buffer it was
 * parsed into; a re-parsed one gets a new buffer. Either way its spans must be
 * exactly those of parsing it alone.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DocumentCache, parseChunk, splitDocuments, YamlDocument } from '../../server/src/engine/yaml/parse';

const doc = (name: string, containers: number) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n${Array.from({ length: containers }, (_, i) => `  - name: c${i}\n    image: nginx:1.${i}\n    securityContext: {privileged: ${i % 2 === 0}}\n`).join('')}`;

/** The nodes of a document's spans (5 numbers each), out of the buffer it shares. */
const nodes = (sp: { data: Int32Array; base: number; count: number }) => [...sp.data.subarray(sp.base, sp.base + sp.count * 5)];

function assertAlone(text: string, docs: YamlDocument[]): void {
  const chunks = splitDocuments(text);
  assert.equal(docs.length, chunks.length);
  docs.forEach((d, i) => {
    const alone = parseChunk(chunks[i].text).spans!;
    assert.deepEqual(nodes(d.chunk.spans!), nodes(alone), `document ${i}`);
    assert.equal(d.chunk.spans!.root, alone.root);
  });
}

test('spans in shared buffers equal those of each document parsed alone, across edits', () => {
  const cache = new DocumentCache();
  const docs = [doc('a', 3), doc('b', 40), doc('c', 1), doc('d', 200)];
  let text = docs.join('---\n');
  const first = cache.parse(text);
  assertAlone(text, first);
  // Spans share buffers (views), not one buffer per document.
  assert.ok(first.some((d, i) => i > 0 && d.chunk.spans!.data.buffer === first[0].chunk.spans!.data.buffer));

  let prev = first;
  for (let edit = 0; edit < 20; edit++) {
    const i = (edit * 3) % docs.length;
    docs[i] = doc(`${'abcd'[i]}${edit}`, 1 + ((edit * 37) % 120));
    text = docs.join('---\n');
    const next = cache.parse(text);
    assertAlone(text, next);
    // Unchanged documents are reused as they were; the edited one is new.
    next.forEach((d, j) => (j === i ? assert.notEqual(d.chunk, prev[j].chunk) : assert.equal(d.chunk, prev[j].chunk)));
    prev = next;
  }
});

test('a document reused after an edit keeps its spans while new documents are parsed', () => {
  const cache = new DocumentCache();
  const a = doc('a', 5);
  const before = cache.parse(`${a}---\n${doc('b', 5)}`);
  const kept = nodes(before[0].chunk.spans!);
  const after = cache.parse(`${a}---\n${doc('b2', 300)}`);
  assert.equal(after[0].chunk, before[0].chunk, 'the unchanged document is reused');
  assert.deepEqual(nodes(after[0].chunk.spans!), kept);
  assertAlone(`${a}---\n${doc('b2', 300)}`, after);
});
