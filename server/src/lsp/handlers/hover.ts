/** Hovers: Kubernetes schema first, then what NetworkPolicy, RBAC and Helm make of the spot. */
import { Hover, MarkupKind } from 'vscode-languageserver/node';
import { mergeHovers } from '../schema-layer';
import type { GuardrailsServer } from '../server';

export function registerHover(server: GuardrailsServer): void {
  const markdown = (value: string | undefined): Hover | null => (value ? { contents: { kind: MarkupKind.Markdown, value } } : null);
  server.connection.onHover((p) =>
    server.schema.hover(p, () =>
      mergeHovers(
        server.guard('netpol hover', () => markdown(server.host.analysis().netpolHover(p.textDocument.uri, p.position)), null),
        server.guard('rbac hover', () => markdown(server.host.analysis().rbacHover(p.textDocument.uri, p.position)), null),
        server.guard('helm hover', () => markdown(server.helm.hover(p.textDocument.uri, p.position.line)), null),
      ),
    ),
  );
}
