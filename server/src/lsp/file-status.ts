/**
 * `k8sGuardrails/fileStatus` (shared/protocol): what the analysis of one file runs with, for the
 * editor's language status item — the Pod Security level and version in force for the namespaces its
 * objects land in and where they come from, the size of the workspace index, the schema layer.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { EngineSettings, WorkspaceIndex } from '../engine';
import { pssModesOf } from '../engine/rules/pss/evaluate';
import { podTemplates } from '../engine/workloads';
import { loadSourceFile } from '../engine/model';
import { FILE_STATUS_REQUEST, FilePssStatus, FileStatusParams, FileStatusResult, PssSourceKind } from '../../../shared/protocol';

export interface FileStatusHost {
  index: WorkspaceIndex;
  settings(): EngineSettings;
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
  const text = host.index.has(uri) ? undefined : host.openText(uri);
  const file = host.index.get(uri) ?? (text !== undefined ? loadSourceFile(uri, text) : undefined);
  const settings = host.settings();
  // Workloads first: their namespace is the one whose level decides findings.
  const resources = [...(file?.resources ?? [])].sort((a, b) => Number(podTemplates(b).length > 0) - Number(podTemplates(a).length > 0));
  const namespaces = [...new Set(resources.map((r) => r.namespace).filter((n): n is string => n !== undefined))];
  const pss: FilePssStatus[] = (namespaces.length ? namespaces : [undefined]).map((namespace) => {
    const { modes, namespace: ns } = pssModesOf(namespace, host.index, settings);
    const enforce = modes[0];
    const source: PssSourceKind = ns ? 'namespace' : SOURCE_KIND[settings.pss.source];
    const where = ns ? enforce.source : source === 'config' ? '.k8s-guardrails.yaml' : source === 'setting' ? 'settings (k8sGuardrails.pss)' : 'the default';
    const out: FilePssStatus = { level: enforce.level, version: enforce.version, source, where };
    if (namespace !== undefined) out.namespace = namespace;
    const at = ns ? ns.file.uri : source === 'config' ? host.configUri() : undefined;
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
