import { networkAttempts } from './network-guard';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, MarkupContent, Position } from 'vscode-languageserver';
import { createSchemaService, SchemaFileStore, SCHEMA_SOURCE } from '../../../server/src/schema';
import { findRepoRoot } from '../../../scripts/generate-schemas';

const schemasDir = path.join(findRepoRoot(__dirname), 'schemas', 'v1.35');
const service = createSchemaService({ schemasDir });

let version = 0;
function doc(text: string): TextDocument {
  version++;
  return TextDocument.create(`file:///test/doc-${version}.yaml`, 'yaml', version, text);
}

/** Position of the first occurrence of `needle` (plus `delta` characters) in `text`. */
function positionOf(text: string, needle: string, delta = 0): Position {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not found`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            runAsNonRoot: true
            seccompProfile:
              type: RuntimeDefault
`;

after(() => assert.deepEqual(networkAttempts, [], 'no network request may be made'));

describe('schema validation', () => {
  it('accepts a valid Deployment', async () => {
    assert.deepEqual(await service.validate(doc(DEPLOYMENT)), []);
  });

  it('flags a typo in the second document of a three-document file at the right range', async () => {
    const second = DEPLOYMENT.replace('          securityContext:\n', '          securityContex:\n');
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n---\n${second}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n    - port: 80\n`;
    const diags = await service.validate(doc(text));
    assert.equal(diags.length, 1, JSON.stringify(diags));
    const [d] = diags;
    assert.match(d.message, /securityContex\b.*not allowed/);
    assert.equal(d.source, SCHEMA_SOURCE);
    assert.equal(d.severity, DiagnosticSeverity.Error);
    const start = positionOf(text, 'securityContex:');
    assert.deepEqual(d.range, { start, end: { line: start.line, character: start.character + 'securityContex'.length } });
  });

  it('flags a wrong type (replicas: "three")', async () => {
    const text = DEPLOYMENT.replace('replicas: 2', 'replicas: three');
    const diags = await service.validate(doc(text));
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.match(diags[0].message, /Incorrect type. Expected "integer"/);
    const start = positionOf(text, 'three');
    assert.deepEqual(diags[0].range, { start, end: { line: start.line, character: start.character + 5 } });
  });

  it('accepts int-or-string values (targetPort: http and 8080)', async () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  selector:
    app: web
  ports:
    - name: web
      port: 80
      targetPort: http
    - name: alt
      port: 8080
      targetPort: 8080
`;
    assert.deepEqual(await service.validate(doc(text)), []);
    const bad = await service.validate(doc(text.replace('targetPort: 8080', 'targetPort: [1]')));
    assert.equal(bad.length, 1, JSON.stringify(bad));
  });

  it('accepts maps (labels, annotations, data) with arbitrary keys but checks their value types', async () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels: {a: b, app.kubernetes.io/name: x}
  annotations: {anything/goes: "yes"}
data:
  any-key: value
  other.key: "2"
`;
    assert.deepEqual(await service.validate(doc(text)), []);
    const bad = await service.validate(doc(text.replace('any-key: value', 'any-key: {nested: 1}')));
    assert.equal(bad.length, 1, JSON.stringify(bad));
  });

  it('gives no errors for CRD kinds, unknown versions and non-Kubernetes documents', async () => {
    const text = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: cert
spec:
  secretName: tls
  whatever: [1, 2]
---
apiVersion: apps/v1beta42
kind: Deployment
spec: {bogus: true}
---
name: not a kubernetes object
replicas: three
---
kind: Deployment
spec: {bogus: true}
`;
    assert.deepEqual(await service.validate(doc(text)), []);
  });

  it('accepts null for any field (null means unset), unless allowNull is false', async () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
spec:
  securityContext:
  containers:
    - name: a
      image: x
      env: ~
      ports:
        - containerPort: 80
          hostPort: null
`;
    assert.deepEqual(await service.validate(doc(text)), []);
    const strict = createSchemaService({ schemasDir, allowNull: false });
    assert.equal((await strict.validate(doc(text))).length, 4);
  });

  it('parses as YAML 1.1 like Kubernetes does: yes/on are booleans, 0644 is an integer', async () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  enabled: yes
  mode: 0644
  plain: "yes"
`;
    const diags = await service.validate(doc(text));
    assert.deepEqual(
      diags.map((d) => [d.range.start.line, d.message]),
      [
        [4, 'Incorrect type. Expected "string".'],
        [5, 'Incorrect type. Expected "string".'],
      ],
    );
  });

  it('handles empty documents, comments-only documents and empty files', async () => {
    assert.deepEqual(await service.validate(doc('')), []);
    assert.deepEqual(await service.validate(doc('# just a comment\n---\n---\n')), []);
  });
});

describe('schema completion and hover', () => {
  it('offers runAsNonRoot with its description inside a container securityContext', async () => {
    const text = DEPLOYMENT.replace('            runAsNonRoot: true\n', '            \n');
    const pos = positionOf(text, '            \n            seccompProfile', 12);
    const list = await service.complete(doc(text), pos);
    const item = list.items.find((i) => i.label === 'runAsNonRoot');
    assert.ok(item, `labels: ${list.items.map((i) => i.label).join(', ')}`);
    const documentation = typeof item.documentation === 'string' ? item.documentation : (item.documentation as MarkupContent).value;
    assert.match(documentation, /must run as a non-root user/);
    // only SecurityContext fields: no PodSecurityContext-only field, no Container field
    assert.ok(!list.items.some((i) => i.label === 'fsGroup' || i.label === 'image'));
  });

  it('shows the field documentation on hover over seccompProfile', async () => {
    const hover = await service.hover(doc(DEPLOYMENT), positionOf(DEPLOYMENT, 'seccompProfile', 3));
    assert.ok(hover);
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /seccomp options to use by this container/);
  });

  it('completes apiVersion and kind values in a new document', async () => {
    const kinds = await service.complete(doc('apiVersion: apps/v1\nkind: '), { line: 1, character: 6 });
    const labels = kinds.items.map((i) => i.label);
    assert.ok(labels.includes('Deployment') && labels.includes('StatefulSet'), labels.join(', '));
    assert.ok(!labels.includes('Pod'), 'Pod is not in apps/v1');
    const keys = await service.complete(doc(''), { line: 0, character: 0 });
    const keyLabels = keys.items.map((i) => i.label);
    assert.ok(keyLabels.includes('apiVersion') && keyLabels.includes('kind'), keyLabels.join(', '));
    assert.ok(!keyLabels.some((l) => /schema/i.test(l)), keyLabels.join(', '));
  });

  it('has no kind-specific completion or hover for unknown kinds', async () => {
    const text = 'apiVersion: example.com/v1\nkind: Widget\nspec:\n  size: 1\n';
    assert.equal(await service.hover(doc(text), positionOf(text, 'size', 1)), null);
    const list = await service.complete(doc(text), positionOf(text, '  size', 2));
    assert.ok(!list.items.some((i) => i.label === 'replicas'));
  });
});

describe('.k8s-guardrails.yaml', () => {
  const config = (text: string) => TextDocument.create(`file:///ws/.k8s-guardrails.yaml`, 'yaml', ++version, text);

  it('completes the rule ids of the registry under rules:, with their descriptions', async () => {
    const text = 'rules:\n  \n';
    const list = await service.complete(config(text), { line: 1, character: 2 });
    const labels = list.items.map((i) => i.label);
    for (const id of ['privileged-container', 'rbac-wildcard', 'netpol-invalid-port']) assert.ok(labels.includes(id), labels.join(', '));
    assert.ok(!labels.includes('not-analysed'), 'a locked rule cannot be set');
    const item = list.items.find((i) => i.label === 'image-latest-tag')!;
    const documentation = typeof item.documentation === 'string' ? item.documentation : (item.documentation as MarkupContent)?.value;
    assert.match(documentation ?? '', /Mutable image tag.*default `info`/);
    const top = (await service.complete(config(''), { line: 0, character: 0 })).items.map((i) => i.label);
    assert.ok(top.includes('rules') && top.includes('ignore') && !top.includes('apiVersion'), top.join(', '));
  });

  it('shows the rule on hover; other files named like it elsewhere keep the Kubernetes schemas', async () => {
    const text = 'rules:\n  rbac-pod-exec: off\n';
    const hover = await service.hover(config(text), positionOf(text, 'rbac-pod-exec', 3));
    assert.match((hover!.contents as MarkupContent).value, /exec\/attach/);
    const other = await service.complete(doc(''), { line: 0, character: 0 });
    assert.ok(!other.items.some((i) => i.label === 'rules'));
  });
});

describe('schema loading', () => {
  it('loads lazily: a ConfigMap reads only the index, the shared definitions and its own file', async () => {
    const reads: string[] = [];
    const original = fs.promises.readFile;
    (fs.promises as { readFile: unknown }).readFile = (async (p: fs.PathLike, ...rest: unknown[]) => {
      reads.push(path.basename(String(p)));
      return (original as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
    }) as unknown;
    try {
      const fresh = createSchemaService({ schemasDir });
      await fresh.validate(doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n'));
      await fresh.validate(doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n'));
    } finally {
      (fs.promises as { readFile: unknown }).readFile = original;
    }
    assert.deepEqual(reads.sort(), ['_definitions.json', 'core-v1-configmap.json', 'index.json']);
  });

  it('refuses anything but files of the schemas directory', () => {
    const store = new SchemaFileStore(schemasDir);
    assert.equal(store.nameOfUri(store.uriOf('index.json')), 'index.json');
    for (const uri of [
      'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.35.0/all.json',
      'http://localhost/index.json',
      'file:///etc/passwd',
      new URL('../../package.json', store.uriOf('index.json')).toString(),
    ]) {
      assert.throws(() => store.nameOfUri(uri), /Refusing/, uri);
    }
    assert.throws(() => store.pathOf('../package.json'), /Refusing/);
  });

  it('tolerates a missing schemas directory (no diagnostics, no crash)', async () => {
    const broken = createSchemaService({ schemasDir: path.join(schemasDir, 'does-not-exist') });
    const origError = console.error;
    console.error = () => undefined;
    try {
      assert.deepEqual(await broken.validate(doc(DEPLOYMENT.replace('replicas: 2', 'replicas: x'))), []);
    } finally {
      console.error = origError;
    }
  });
});
