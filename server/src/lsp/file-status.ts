/**
 * `k8sGuardrails/fileStatus` (shared/protocol): what the analysis of one file runs with, for the
 * editor's language status item — the Pod Security level and version in force for the namespaces its
 * objects land in and where they come from, the size of the workspace index, the schema layer.
 */
import type { Connection } from 'vscode-languageserver/node';
import { AnalysisHost, EngineSettings, loadSourceFile } from '../engine';
import { FILE_STATUS_REQUEST, FilePssStatus, FileStatusParams, FileStatusResult, PssSourceKind } from '../../../shared/protocol';

export interface FileStatusHost {
  host: AnalysisHost;
  /** The config file's uri, when one is loaded. */
  configUri(): string | undefined;
  /** Workspace files known (index and held back, renders excluded), and how many of them have been analysed. */
  files(): { indexed: number; analysed: number };
  schemaEnabled(): boolean;
  /** Held back for Kustomize/Helm (analysed through its renders, not in the index on its own). */
  heldBy(uri: string): 'kustomize' | 'helm' | undefined;
  /** The editor's text of an open document. */
  openText(uri: string): string | undefined;
}

const SOURCE_KIND: Record<EngineSettings['pss']['source'], PssSourceKind> = { default: 'default', settings: 'setting', 'config file': 'config', 'command line': 'setting' };

export function fileStatus(host: FileStatusHost, uri: string): FileStatusResult {
  const held = host.heldBy(uri);
  const index = host.host.workspace;
  const text = index.has(uri) ? undefined : host.openText(uri);
  const file = index.get(uri) ?? (text !== undefined ? loadSourceFile(uri, text) : undefined);
  const settings = host.host.settings;
  const analysis = host.host.analysis();
  const namespaces = file ? analysis.namespacesOf(file) : [];
  const pss: FilePssStatus[] = (namespaces.length ? namespaces : [undefined]).map((namespace) => {
    const enforce = analysis.pssInForce(namespace);
    const ns = enforce.namespace;
    const source: PssSourceKind = ns ? 'namespace' : SOURCE_KIND[settings.pss.source];
    const where = ns ? enforce.source : source === 'config' ? '.k8s-guardrails.yaml' : source === 'setting' ? 'settings (k8sGuardrails.pss)' : 'the default';
    const out: FilePssStatus = { level: enforce.level, version: enforce.version, source, where };
    if (namespace !== undefined) out.namespace = namespace;
    const at = ns ? ns.uri : source === 'config' ? host.configUri() : undefined;
    if (at) out.uri = at;
    return out;
  });
  const files = host.files();
  const result: FileStatusResult = {
    kubernetes: file?.isKubernetes ?? false,
    pss,
    filesIndexed: files.indexed,
    filesAnalysed: files.analysed,
    schema: host.schemaEnabled(),
  };
  if (held) result.rendered = held;
  return result;
}

export function registerFileStatus(connection: Connection, host: FileStatusHost, guard: <T>(what: string, fn: () => T, fallback: T) => T): void {
  connection.onRequest(FILE_STATUS_REQUEST, (p: FileStatusParams) =>
    guard('fileStatus', () => fileStatus(host, String(p?.uri ?? '')), { kubernetes: false, pss: [], filesIndexed: 0, filesAnalysed: 0, schema: false } satisfies FileStatusResult),
  );
}
