/**
 * The custom part of the protocol between the VS Code client and the language
 * server: method names, command ids and message shapes, imported by both sides
 * (as vscode-eslint's `$shared/customMessages.ts`), so that the client never
 * reaches into server code. Types only, plus string constants: no engine, no
 * `vscode`, no `vscode-languageserver` at run time.
 */
import type { Diagnostic } from 'vscode-languageserver-types';

/**
 * Request `k8sGuardrails/analyzeObjects` (client → server): the live-cluster scan.
 * The server analyses the objects as one workspace of their own with the same
 * engine as the editor (server/src/lsp/cluster-scan.ts).
 */
export const ANALYZE_OBJECTS_REQUEST = 'k8sGuardrails/analyzeObjects';

/** Scheme of the read-only documents that hold live cluster objects: `k8s-guardrails-live:/<context>/<namespace>/<kind>/<name>.yaml`. */
export const LIVE_SCHEME = 'k8s-guardrails-live';

export interface AnalyzeObjectsParams {
  /** `uri` in LIVE_SCHEME (others are ignored), `yaml` the object as the cluster returned it. */
  objects: { uri: string; yaml: string }[];
}

export interface AnalyzeObjectsResult {
  /** One entry per input uri (empty diagnostics when clean), in input order. */
  results: { uri: string; diagnostics: Diagnostic[] }[];
  /** True when the client cancelled before every rule ran. */
  cancelled: boolean;
  /** Rules that threw (their findings are missing); the other rules still ran. */
  ruleErrors: string[];
}

/** Code action kind of "fix all auto-fixable problems" (the Fix All command and `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.k8sGuardrails';

/** `workspace/executeCommand` (code lens → server): append a default-deny NetworkPolicy for a namespace. */
export const GENERATE_DEFAULT_DENY = 'k8sGuardrails.generateDefaultDeny';

/**
 * Request `k8sGuardrails/fileStatus` (client → server): what the analysis of one file runs with, for the
 * editor's language status item: the Pod Security level and version in force for each namespace its
 * objects land in and where that comes from, how many files the workspace index holds and has analysed,
 * and whether the Kubernetes schema layer is on (server/src/lsp/file-status.ts).
 */
export const FILE_STATUS_REQUEST = 'k8sGuardrails/fileStatus';

export interface FileStatusParams {
  uri: string;
}

/** Where a PSS level comes from: a Namespace's pod-security.kubernetes.io labels, `.k8s-guardrails.yaml`, the editor setting, or the default (restricted, latest). */
export type PssSourceKind = 'namespace' | 'config' | 'setting' | 'default';

export interface FilePssStatus {
  /** The namespace the file's objects land in (undefined: the file has only cluster-scoped objects, or none). */
  namespace?: string;
  /** The enforce mode: the one findings are errors for. */
  level: 'privileged' | 'baseline' | 'restricted';
  /** `latest` or `v1.N`. */
  version: string;
  source: PssSourceKind;
  /** Human text: `Namespace shop (ns.yaml:4)`, `.k8s-guardrails.yaml`, `settings`, `the default`. */
  where: string;
  /** The config file's uri (source `config`) or the Namespace's file uri (source `namespace`). */
  uri?: string;
}

export interface FileStatusResult {
  /** False when the file holds no Kubernetes object (or is not known to the server). */
  kubernetes: boolean;
  /** One entry per namespace of the file's objects (workloads first); one entry without namespace when none. */
  pss: FilePssStatus[];
  /** YAML files of the workspace the server knows (its index, and files held back for Kustomize/Helm; renders not counted). */
  filesIndexed: number;
  /** Of those, the files analysed so far (with or without findings). */
  filesAnalysed: number;
  /** Kubernetes schema validation, completion and hover (k8sGuardrails.schema.enable resolved). */
  schema: boolean;
  /** The file is analysed through Kustomize or Helm renders, not on its own. */
  rendered?: 'kustomize' | 'helm';
}
