/**
 * Whether our Kubernetes schema layer (validation, completion, hover) runs: the `k8sGuardrails.schema.enable`
 * setting, `auto` | `on` | `off`. Pure (no `vscode` import): the client computes the effective value, because
 * only it can see the other installed extensions and their settings, and passes `on`/`off` to the server.
 *
 * The `auto` rule (off when, and only when, another extension already validates Kubernetes YAML against a
 * Kubernetes schema, so that no error is shown twice):
 *
 *   off  ⇔  Red Hat YAML (`redhat.vscode-yaml`) is installed and enabled
 *           AND its validation is on (`yaml.validate` is not false)
 *           AND it maps Kubernetes schemas, i.e. one of:
 *             a. `yaml.schemas` has an entry whose key is `kubernetes` (Red Hat YAML's built-in Kubernetes
 *                schema id, any case) or a Kubernetes schema URL (see KUBERNETES_SCHEMA_URL), with at least
 *                one non-empty glob;
 *             b. the Kubernetes extension (`ms-kubernetes-tools.vscode-kubernetes-tools`) is installed and
 *                enabled: it registers a schema contributor with Red Hat YAML for every document with
 *                apiVersion/kind.
 *
 * Not counted: `yaml.kubernetesCRDStore` (it only adds CRD schemas on top of an existing Kubernetes mapping
 * and is on by default), `yaml.schemaStore` (SchemaStore has no catch-all Kubernetes mapping), and
 * `files.associations` (Red Hat YAML chooses schemas by `yaml.schemas`, not by language association).
 *
 * A server started by another editor (no client-side decision) treats `auto` as `on`.
 */
export type SchemaEnableSetting = 'auto' | 'on' | 'off';

export const REDHAT_YAML_ID = 'redhat.vscode-yaml';
export const KUBERNETES_TOOLS_ID = 'ms-kubernetes-tools.vscode-kubernetes-tools';

/** URLs of the usual Kubernetes JSON schemas (kubernetesjsonschema.dev, yannh/instrumenta mirrors, ...). */
export const KUBERNETES_SCHEMA_URL = /^https?:\/\/.*(kubernetes-json-schema|kubernetesjsonschema|k8s-json-schema|\/kubernetes\/|kubernetes[^/]*\.json$)/i;

export interface EditorFacts {
  /** Installed and enabled extension ids (any case). */
  extensions: readonly string[];
  /** The `yaml.validate` setting (Red Hat YAML; default true). */
  yamlValidate?: unknown;
  /** The `yaml.schemas` setting: schema id or URL → glob or globs. */
  yamlSchemas?: unknown;
}

function hasGlob(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.some((v) => typeof v === 'string' && v.trim() !== '');
  return false;
}

/** Whether Red Hat YAML's `yaml.schemas` maps a Kubernetes schema to some files. */
export function yamlSchemasMapKubernetes(schemas: unknown): boolean {
  if (!schemas || typeof schemas !== 'object' || Array.isArray(schemas)) return false;
  return Object.entries(schemas as Record<string, unknown>).some(
    ([key, globs]) => (key.trim().toLowerCase() === 'kubernetes' || KUBERNETES_SCHEMA_URL.test(key.trim())) && hasGlob(globs),
  );
}

/** Why `auto` turns the schema layer off, or undefined when it stays on. */
export function otherKubernetesSchemaProvider(facts: EditorFacts): string | undefined {
  const installed = new Set(facts.extensions.map((e) => e.toLowerCase()));
  if (!installed.has(REDHAT_YAML_ID)) return undefined;
  if (facts.yamlValidate === false) return undefined;
  if (yamlSchemasMapKubernetes(facts.yamlSchemas)) return `${REDHAT_YAML_ID} maps a Kubernetes schema in yaml.schemas`;
  if (installed.has(KUBERNETES_TOOLS_ID)) return `${REDHAT_YAML_ID} gets Kubernetes schemas from ${KUBERNETES_TOOLS_ID}`;
  return undefined;
}

/** The effective on/off of `k8sGuardrails.schema.enable`. Unknown values count as `auto`. */
export function effectiveSchemaEnable(setting: unknown, facts: EditorFacts): 'on' | 'off' {
  if (setting === 'on' || setting === true) return 'on';
  if (setting === 'off' || setting === false) return 'off';
  return otherKubernetesSchemaProvider(facts) ? 'off' : 'on';
}
