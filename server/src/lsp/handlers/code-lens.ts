/** Code lenses: each workload's NetworkPolicy isolation, what each policy selects. */
import type { GuardrailsServer } from '../server';

export function registerCodeLens(server: GuardrailsServer): void {
  server.connection.onCodeLens((p) =>
    server.guard('codeLens', () => server.host.analysis().codeLenses(p.textDocument.uri).map((l) => ({ range: l.range, command: { title: l.title, command: '' } })), []),
  );
}
