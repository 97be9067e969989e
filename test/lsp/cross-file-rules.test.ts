/** Cross-file rules of issue #22 over LSP: a workload edit re-publishes the Service file (dangling-service). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp-client';
import { shopDeployment } from '../helpers/manifests';

const DIR = 'file:///tmp/k8s-guardrails-xrules-test';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - port: 80
`;

const codes = (d: { code?: unknown }[]) => d.map((x) => String(x.code));

test('a workload label edit re-publishes the Service file (dangling-service appears and disappears)', async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize(null, {});
    const d = `${DIR}/a/deploy.yaml`;
    const s = `${DIR}/a/service.yaml`;
    lsp.open(s, SERVICE);
    lsp.open(d, shopDeployment('web'));
    await lsp.waitForDiagnostics(d);
    const first = await lsp.waitForDiagnostics(s);
    assert.ok(!codes(first).includes('dangling-service'), 'the Service selects the Deployment');
    lsp.change(d, shopDeployment('wbe'));
    const broken = await lsp.waitForDiagnostics(s, (x) => codes(x).includes('dangling-service'));
    const f = broken.find((x) => x.code === 'dangling-service')!;
    assert.equal(f.range.start.line, 6);
    assert.match(f.message, /web \(app=wbe\)/);
    lsp.change(d, shopDeployment('web'));
    await lsp.waitForDiagnostics(s, (x) => !codes(x).includes('dangling-service'));
  } finally {
    await lsp.close();
  }
});
