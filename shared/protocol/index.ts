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
