/**
 * `k8sGuardrails/analyzeObjects`: the live-cluster scan runs the SAME engine
 * as the editor, over objects the client read from a cluster and serialized to
 * YAML under virtual uris (`k8s-guardrails-live:/<context>/<namespace>/<kind>/<name>.yaml`).
 *
 * The objects form their own workspace (a fresh AnalysisHost per request):
 * cluster Namespaces, NetworkPolicies and RBAC never mix with the editor's
 * files, and nothing of the request is kept after the answer.
 */
import type { CancellationToken, Connection, Diagnostic } from 'vscode-languageserver/node';
import { AnalysisHost, EngineSettings, Finding } from '../engine';
import { ANALYZE_OBJECTS_REQUEST, AnalyzeObjectsParams, AnalyzeObjectsResult, LIVE_SCHEME } from '../../../shared/protocol';
import { inert } from '../../../shared/text/inert';

/** Bounds a request so a huge cluster cannot exhaust the server's memory. */
export const MAX_OBJECTS = 20_000;
export const MAX_OBJECT_BYTES = 1024 * 1024;

function validParams(p: unknown): p is AnalyzeObjectsParams {
  if (!p || typeof p !== 'object') return false;
  const objects = (p as { objects?: unknown }).objects;
  return Array.isArray(objects) && objects.every((o) => !!o && typeof o === 'object' && typeof (o as { uri?: unknown }).uri === 'string' && typeof (o as { yaml?: unknown }).yaml === 'string');
}

/** Pure function (unit-testable): analyse `objects` as one workspace. */
export function analyzeObjects(
  params: AnalyzeObjectsParams,
  settings: EngineSettings,
  toDiagnostic: (f: Finding) => Diagnostic,
  isCancelled: () => boolean = () => false,
): AnalyzeObjectsResult {
  const host = new AnalysisHost();
  host.setSettings(settings);
  const uris: string[] = [];
  const seen = new Set<string>();
  for (const o of params.objects.slice(0, MAX_OBJECTS)) {
    if (seen.has(o.uri) || !o.uri.startsWith(`${LIVE_SCHEME}:`)) continue;
    seen.add(o.uri);
    uris.push(o.uri);
    if (o.yaml.length <= MAX_OBJECT_BYTES) host.setFile(o.uri, o.yaml);
  }
  const ruleErrors = new Set<string>();
  const result = host.analysis().diagnostics({ isCancelled, reportOnly: true, onRuleError: (rule) => ruleErrors.add(rule.id) });
  return {
    results: uris.map((uri) => ({ uri, diagnostics: (result.findings.get(uri) ?? []).map((f) => inertDiagnostic(toDiagnostic(f))) })),
    cancelled: result.cancelled,
    ruleErrors: [...ruleErrors],
  };
}

/**
 * Messages of live-object findings quote the cluster (names, annotation values such as a
 * suppression reason): shown in hovers and the Problems view, they go through `inert`.
 */
function inertDiagnostic(d: Diagnostic): Diagnostic {
  return {
    ...d,
    message: inert(d.message, { max: 2000 }),
    ...(d.relatedInformation ? { relatedInformation: d.relatedInformation.map((r) => ({ ...r, message: inert(r.message, { max: 500 }) })) } : {}),
  };
}

/** Registers the request on the language server's connection. */
export function registerClusterScan(connection: Connection, settings: () => EngineSettings, toDiagnostic: (f: Finding) => Diagnostic): void {
  connection.onRequest(ANALYZE_OBJECTS_REQUEST, (params: unknown, token: CancellationToken): AnalyzeObjectsResult => {
    if (!validParams(params)) throw new Error(`${ANALYZE_OBJECTS_REQUEST}: expected {objects: [{uri, yaml}]}`);
    const result = analyzeObjects(params, settings(), toDiagnostic, () => token.isCancellationRequested);
    for (const id of result.ruleErrors) connection.console.error(`k8s-guardrails: rule ${id} failed during the cluster scan`);
    return result;
  });
}
