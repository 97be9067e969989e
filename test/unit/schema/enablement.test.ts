/** `k8sGuardrails.schema.enable`: the client-side `auto` rule (shared/settings/schema-enablement.ts) and hover merging. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveSchemaEnable, otherKubernetesSchemaProvider, yamlSchemasMapKubernetes } from '../../../shared/settings/schema-enablement';
import { mergeHovers } from '../../../server/src/lsp/schema-layer';

const REDHAT = 'redhat.vscode-yaml';
const K8S_TOOLS = 'ms-kubernetes-tools.vscode-kubernetes-tools';

describe('schema.enable auto rule', () => {
  it('on and off are taken as they are', () => {
    const facts = { extensions: [REDHAT], yamlSchemas: { kubernetes: '*.yaml' } };
    assert.equal(effectiveSchemaEnable('on', facts), 'on');
    assert.equal(effectiveSchemaEnable('off', { extensions: [] }), 'off');
  });

  it('auto: on without Red Hat YAML, whatever the yaml.* settings say', () => {
    assert.equal(effectiveSchemaEnable('auto', { extensions: [], yamlSchemas: { kubernetes: '*.yaml' } }), 'on');
    assert.equal(effectiveSchemaEnable(undefined, { extensions: [K8S_TOOLS] }), 'on');
  });

  it('auto: on with Red Hat YAML that maps no Kubernetes schema', () => {
    assert.equal(effectiveSchemaEnable('auto', { extensions: [REDHAT] }), 'on');
    assert.equal(effectiveSchemaEnable('auto', { extensions: [REDHAT], yamlSchemas: { 'https://json.schemastore.org/github-workflow.json': '.github/workflows/*.yml' } }), 'on');
    // an entry without globs maps nothing
    assert.equal(effectiveSchemaEnable('auto', { extensions: [REDHAT], yamlSchemas: { kubernetes: [] } }), 'on');
    assert.equal(effectiveSchemaEnable('auto', { extensions: [REDHAT], yamlSchemas: { kubernetes: '' } }), 'on');
  });

  it('auto: off with Red Hat YAML mapping `kubernetes` or a Kubernetes schema URL', () => {
    assert.equal(effectiveSchemaEnable('auto', { extensions: ['RedHat.vscode-yaml'], yamlSchemas: { kubernetes: '*.yaml' } }), 'off');
    assert.equal(effectiveSchemaEnable('auto', { extensions: [REDHAT], yamlSchemas: { Kubernetes: ['k8s/**/*.yaml'] } }), 'off');
    for (const url of [
      'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.30.0-standalone-strict/all.json',
      'https://kubernetesjsonschema.dev/v1.18.0-standalone-strict/all.json',
      'https://raw.githubusercontent.com/instrumenta/kubernetes-json-schema/master/v1.18.0/deployment.json',
    ]) {
      assert.equal(effectiveSchemaEnable('auto', { extensions: [REDHAT], yamlSchemas: { [url]: '/*.yaml' } }), 'off', url);
    }
  });

  it('auto: off with Red Hat YAML and the Kubernetes extension (it contributes the schema)', () => {
    assert.match(otherKubernetesSchemaProvider({ extensions: [REDHAT, K8S_TOOLS] })!, /vscode-kubernetes-tools/);
  });

  it('auto: on when Red Hat YAML validation is off (it shows no errors)', () => {
    assert.equal(effectiveSchemaEnable('auto', { extensions: [REDHAT, K8S_TOOLS], yamlValidate: false, yamlSchemas: { kubernetes: '*.yaml' } }), 'on');
  });

  it('yaml.schemas shapes that are not a mapping count as no mapping', () => {
    assert.equal(yamlSchemasMapKubernetes(undefined), false);
    assert.equal(yamlSchemasMapKubernetes(['kubernetes']), false);
    assert.equal(yamlSchemasMapKubernetes('kubernetes'), false);
  });
});

describe('mergeHovers', () => {
  it('one Hover with both contents, the first range', () => {
    const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };
    const merged = mergeHovers({ contents: { kind: 'markdown', value: '**NetworkPolicy** selects 2 pods' }, range }, { contents: 'schema doc' }, null);
    assert.deepEqual(merged, { contents: { kind: 'markdown', value: '**NetworkPolicy** selects 2 pods\n\n---\n\nschema doc' }, range });
    assert.equal(mergeHovers(null, undefined), null);
    const only = { contents: 'x' };
    assert.equal(mergeHovers(null, only), only);
  });

  it('plain text is escaped, marked strings become code blocks', () => {
    const merged = mergeHovers({ contents: { kind: 'plaintext', value: 'a_b' } }, { contents: [{ language: 'yaml', value: 'k: v' }] });
    assert.equal((merged!.contents as { value: string }).value, 'a\\_b\n\n---\n\n```yaml\nk: v\n```');
  });
});
