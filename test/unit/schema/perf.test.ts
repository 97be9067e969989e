/**
 * Measures schema validation of a 10,000-resource file against js-yaml loadAll of the same text.
 * Reported with t.diagnostic (visible in the test output); the assertion only guards against pathologic
 * (e.g. quadratic) behaviour. Set K8SG_PERF_RESOURCES to change the number of resources (0 skips).
 */
import { networkAttempts } from './network-guard';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, it } from 'node:test';
import * as jsYaml from 'js-yaml';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createSchemaService } from '../../../server/src/schema';
import { findRepoRoot } from '../../../scripts/generate-schemas';

const COUNT = Number(process.env.K8SG_PERF_RESOURCES ?? 10000);

after(() => assert.deepEqual(networkAttempts, []));

const templates = [
  (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 8080, name: http}]
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            seccompProfile: {type: RuntimeDefault}
          resources:
            limits: {cpu: 500m, memory: 128Mi}
`,
  (i: number) => `apiVersion: v1
kind: Service
metadata: {name: svc-${i}}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
`,
  (i: number) => `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg-${i}}
data:
  key: value-${i}
`,
];

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

it(`validates ${COUNT} resources`, { skip: COUNT <= 0 }, async (t) => {
  const parts: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    parts.push(templates[i % templates.length](i));
  }
  // one typo every 1000 resources, to check that errors are still found in a huge file
  const text = parts.map((p, i) => (i % 1000 === 999 ? p.replace('kind: ConfigMap\n', 'kind: ConfigMap\nbogus: 1\n') : p)).join('---\n');

  let start = process.hrtime.bigint();
  const docs = jsYaml.loadAll(text);
  const jsYamlMs = ms(start);
  assert.equal(docs.length, COUNT);

  const service = createSchemaService({ schemasDir: path.join(findRepoRoot(__dirname), 'schemas', 'v1.35') });
  start = process.hrtime.bigint();
  const diags = await service.validate(TextDocument.create('file:///perf.yaml', 'yaml', 1, text));
  const validateMs = ms(start);
  const expectedTypos = parts.filter((_, i) => i % 1000 === 999 && i % templates.length === 2).length;
  assert.equal(diags.length, expectedTypos);

  t.diagnostic(
    `${COUNT} resources, ${(text.length / 1e6).toFixed(1)} MB: schema validate ${validateMs.toFixed(0)} ms ` +
      `(incl. schema loading), js-yaml loadAll ${jsYamlMs.toFixed(0)} ms, ratio ${(validateMs / jsYamlMs).toFixed(1)}x`,
  );
  assert.ok(validateMs < 120_000, `validation took ${validateMs} ms`);
});
