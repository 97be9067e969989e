/** The language server's schema layer helpers: document splitting (per-document validation cache). */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { splitYamlDocuments } from '../../../server/src/lsp/schema-layer';
import { createSchemaService } from '../../../server/src/schema';

describe('splitYamlDocuments', () => {
  it('splits at `---` lines, keeping each document with its marker and first line', () => {
    const text = 'a: 1\n---\nb: 2\nc: 3\n--- # second\nd: |\n  x\n---\n';
    assert.deepEqual(splitYamlDocuments(text), [
      { text: 'a: 1\n', line: 0 },
      { text: '---\nb: 2\nc: 3\n', line: 1 },
      { text: '--- # second\nd: |\n  x\n', line: 4 },
      { text: '---\n', line: 7 },
    ]);
  });

  it('a leading marker stays with the first document; `----` or an indented `---` is not a marker', () => {
    assert.deepEqual(splitYamlDocuments('---\na: 1\n'), [{ text: '---\na: 1\n', line: 0 }]);
    assert.deepEqual(splitYamlDocuments('a: |\n  ---\nb: ----\n'), [{ text: 'a: |\n  ---\nb: ----\n', line: 0 }]);
  });

  it('directives and document-end markers: not split (validated whole)', () => {
    assert.equal(splitYamlDocuments('%YAML 1.2\n---\na: 1\n'), undefined);
    assert.equal(splitYamlDocuments('a: 1\n...\n---\nb: 2\n'), undefined);
  });

  it('per-document validation gives the same diagnostics as validating the whole file', async () => {
    const service = createSchemaService({ schemasDir: path.join(__dirname, '../../../../schemas/v1.35') });
    const docs = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nbogus: 1\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n  selector: {}\n  template:\n    spec:\n      containers:\n        - name: x\n          imagee: y\n',
      '# only a comment\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: "80x"}]\n',
    ];
    const text = docs.join('---\n');
    const whole = await service.validate(TextDocument.create('file:///w.yaml', 'yaml', 1, text));
    const chunked = [];
    for (const c of splitYamlDocuments(text)!) {
      for (const d of await service.validate(TextDocument.create('file:///w.yaml', 'yaml', 1, c.text))) {
        chunked.push({ ...d, range: { start: { ...d.range.start, line: d.range.start.line + c.line }, end: { ...d.range.end, line: d.range.end.line + c.line } } });
      }
    }
    assert.ok(whole.length >= 4, JSON.stringify(whole));
    assert.deepEqual(chunked, whole);
  });
});
