/** Quick fixes for our diagnostics, and "fix all" (`source.fixAll.k8sGuardrails`). */
import { CodeAction, CodeActionKind, CodeActionParams, Range } from 'vscode-languageserver/node';
import type { GuardrailsServer } from '../server';
import { SOURCE } from './diagnostics';

export { FIX_ALL_KIND } from '../../../../shared/protocol';
import { FIX_ALL_KIND } from '../../../../shared/protocol';

export function registerCodeActions(server: GuardrailsServer): void {
  server.connection.onCodeAction((p) => server.guard('codeAction', () => codeActions(server, p), []));
}

function codeActions(server: GuardrailsServer, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  const actions: CodeAction[] = [];
  const findings = server.diagnostics.current(uri);
  const analysis = server.host.analysis();
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const f = findings.find((x) => x.rule === d.code && sameRange(x.range, d.range));
      if (!f) continue;
      for (const fix of analysis.fixes(f)) {
        const edits = fix.edits.reduce<Record<string, { range: Range; newText: string }[]>>((acc, e) => {
          (acc[e.uri] ??= []).push({ range: e.range, newText: e.newText });
          return acc;
        }, {});
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: { changes: edits } });
      }
    }
  }
  if (wants(FIX_ALL_KIND) && (only || analysis.hasFixAll(findings))) {
    const edit = analysis.fixAll(uri);
    if (edit) actions.push({ title: 'Fix all auto-fixable k8s-guardrails problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: [{ range: edit.range, newText: edit.newText }] } } });
  }
  return actions;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
