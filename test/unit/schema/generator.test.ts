import { networkAttempts } from './network-guard';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  convertSchema,
  defaultInputDir,
  diffOutput,
  findRepoRoot,
  generateSchemas,
  stableStringify,
  writeOutput,
} from '../../../scripts/generate-schemas';

const root = findRepoRoot(__dirname);
const inputDir = defaultInputDir(root);
const committedDir = path.join(root, 'schemas', 'v1.35');
const haveSpec = fs.existsSync(path.join(inputDir, 'api', 'v1.json'));

after(() => assert.deepEqual(networkAttempts, []));

describe('convertSchema', () => {
  it('closes objects with declared properties, but not maps or preserve-unknown-fields objects', () => {
    const refs = new Set<string>();
    const out = convertSchema(
      {
        type: 'object',
        properties: {
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
          spec: { allOf: [{ $ref: '#/components/schemas/io.k8s.Foo' }], default: {}, description: 'the spec' },
        },
      },
      '#/definitions/',
      refs,
    ) as Record<string, any>;
    assert.equal(out.additionalProperties, false);
    assert.deepEqual(out.properties.labels, { type: 'object', additionalProperties: { type: 'string' } });
    assert.equal(out.properties.raw.additionalProperties, undefined);
    assert.deepEqual(out.properties.spec, { allOf: [{ $ref: '#/definitions/io.k8s.Foo' }], description: 'the spec' });
    assert.deepEqual([...refs], ['io.k8s.Foo']);
  });

  it('maps int-or-string, nullable and enums', () => {
    const refs = new Set<string>();
    assert.deepEqual(convertSchema({ type: 'string', 'x-kubernetes-int-or-string': true, description: 'd' }, '', refs), {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      description: 'd',
    });
    assert.deepEqual(convertSchema({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] }, '', refs), {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    });
    assert.deepEqual(convertSchema({ type: 'string', nullable: true, enum: ['A', 'B'] }, '', refs), {
      type: ['string', 'null'],
      enum: ['A', 'B', null],
    });
    assert.deepEqual(convertSchema({ type: 'integer', format: 'int32', minimum: 0 }, '', refs), { type: 'integer', minimum: 0 });
  });

  it('serialises with sorted keys', () => {
    assert.equal(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}\n');
  });
});

describe('generate-schemas', { skip: haveSpec ? false : `OpenAPI spec not found at ${inputDir}` }, () => {
  it('is deterministic: two runs give identical bytes', () => {
    const a = generateSchemas(inputDir);
    const b = generateSchemas(inputDir);
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [name, content] of a) {
      assert.equal(b.get(name), content, name);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-schemas-'));
    try {
      writeOutput(a, tmp);
      writeOutput(b, tmp);
      assert.deepEqual(diffOutput(a, tmp), []);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('committed schemas/v1.35 is up to date (run `node out/scripts/generate-schemas.js` if not)', () => {
    const files = generateSchemas(inputDir);
    assert.deepEqual(diffOutput(files, committedDir), []);
  });

  it('produces the expected layout, constraints and a small total size', () => {
    const files = generateSchemas(inputDir);
    const index = JSON.parse(files.get('index.json')!) as Record<string, string>;
    assert.equal(index['apps/v1|Deployment'], 'apps-v1-deployment.json');
    assert.equal(index['v1|Pod'], 'core-v1-pod.json');
    assert.equal(index['networking.k8s.io/v1|NetworkPolicy'], 'networking.k8s.io-v1-networkpolicy.json');
    assert.equal(index['rbac.authorization.k8s.io/v1|ClusterRoleBinding'], 'rbac.authorization.k8s.io-v1-clusterrolebinding.json');
    for (const file of Object.values(index)) {
      assert.ok(files.has(file), file);
    }
    const deployment = JSON.parse(files.get('apps-v1-deployment.json')!);
    assert.deepEqual(deployment.properties.apiVersion.enum, ['apps/v1']);
    assert.deepEqual(deployment.properties.kind.enum, ['Deployment']);
    assert.equal(deployment.additionalProperties, false);
    const defs = JSON.parse(files.get('_definitions.json')!).definitions;
    const objectMeta = defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
    assert.equal(objectMeta.additionalProperties, false);
    assert.deepEqual(objectMeta.properties.labels.additionalProperties, { type: 'string' });
    assert.equal(defs['io.k8s.api.core.v1.SecurityContext'].additionalProperties, false);
    assert.match(defs['io.k8s.api.core.v1.SecurityContext'].properties.runAsNonRoot.description, /non-root/);
    assert.deepEqual(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].anyOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.deepEqual(defs['io.k8s.api.core.v1.Container'].required, ['name']);
    // JSONSchemaProps (CRDs) has properties named "enum", "nullable", ... that must stay properties
    const props = defs['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps'].properties;
    assert.ok(props.enum && props.nullable && props['x-kubernetes-preserve-unknown-fields']);
    let total = 0;
    for (const c of files.values()) {
      total += Buffer.byteLength(c);
    }
    assert.ok(total < 3_000_000, `schemas total ${total} bytes`);
  });
});
