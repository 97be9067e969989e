/**
 * Engine side of the NetworkPolicy LSP command `k8sGuardrails.generateDefaultDeny`
 * and of the LSP scheduling helper. Returns plain LSP-shaped objects (no
 * vscode-languageserver import, see engine/index.ts).
 */
import { SourceFile } from '../model';
import type { EngineSettings } from '../rules/types';
import { podTemplates } from '../workloads';
import type { WorkspaceIndex } from '../workspace';
import { appendDocuments, defaultDenyText } from './generate';
import { netpolWorkspace } from './workspace';

export { GENERATE_DEFAULT_DENY } from '../../../../shared/protocol';

export interface GenerateDefaultDenyArgs {
  /** The document the command was invoked from. */
  uri: string;
  namespace: string;
  /** 'document': append to `uri`; 'file': create `<dir of uri>/<namespace>-default-deny.yaml`. Default 'document'. */
  target?: 'document' | 'file';
}

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
export interface PlainWorkspaceEdit {
  changes?: Record<string, { range: Range; newText: string }[]>;
  documentChanges?: (
    | { kind: 'create'; uri: string; options?: { ignoreIfExists?: boolean; overwrite?: boolean } }
    | { textDocument: { uri: string; version: null }; edits: { range: Range; newText: string }[] }
  )[];
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The WorkspaceEdit adding a default-deny policy (and DNS egress) for a namespace; undefined for bad arguments. */
export function generateDefaultDenyEdit(ws: WorkspaceIndex, settings: EngineSettings, args: unknown): PlainWorkspaceEdit | undefined {
  if (!args || typeof args !== 'object') return undefined;
  const a = args as Partial<GenerateDefaultDenyArgs>;
  if (typeof a.uri !== 'string' || typeof a.namespace !== 'string' || !NAME.test(a.namespace) || a.namespace.length > 63) return undefined;
  const nw = netpolWorkspace(ws, settings);
  const text = defaultDenyText(nw, a.namespace);
  if (a.target === 'file') {
    const dir = a.uri.slice(0, a.uri.lastIndexOf('/'));
    const target = `${dir}/${a.namespace}-default-deny.yaml`;
    const existing = ws.get(target);
    if (existing) {
      const e = appendDocuments(existing, [text]);
      return { documentChanges: [{ textDocument: { uri: target, version: null }, edits: [{ range: e.range, newText: e.newText }] }] };
    }
    const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return {
      documentChanges: [
        { kind: 'create', uri: target, options: { ignoreIfExists: true } },
        { textDocument: { uri: target, version: null }, edits: [{ range: zero, newText: text }] },
      ],
    };
  }
  const file = ws.get(a.uri);
  if (!file) return undefined;
  const e = appendDocuments(file, [text]);
  return { changes: { [a.uri]: [{ range: e.range, newText: e.newText }] } };
}

/** What of a file's workloads matters to NetworkPolicy findings in other files (kinds, names, namespaces, template labels). */
export function workloadSignature(file: SourceFile): string {
  const parts: unknown[] = [];
  for (const r of file.resources) {
    for (const t of podTemplates(r)) parts.push([r.kind, r.name, r.namespace, t.metadata.labels ?? null, t.spec.hostNetwork === true, Array.isArray(t.spec.containers)]);
  }
  return JSON.stringify(parts);
}

export { netpolHover } from './hover';
