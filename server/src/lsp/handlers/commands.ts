/** `workspace/executeCommand`: `k8sGuardrails.generateDefaultDeny` (the edit, applied through the client when it can). */
import { ExecuteCommandParams } from 'vscode-languageserver/node';
import { GENERATE_DEFAULT_DENY } from '../../engine';
import type { GuardrailsServer } from '../server';

export const COMMANDS = [GENERATE_DEFAULT_DENY];

export function registerCommands(server: GuardrailsServer): void {
  server.connection.onExecuteCommand((p) => executeCommand(server, p));
}

async function executeCommand(server: GuardrailsServer, p: ExecuteCommandParams): Promise<unknown> {
  if (p.command !== GENERATE_DEFAULT_DENY) return null;
  const edit = server.guard('generateDefaultDeny', () => server.host.analysis().generateDefaultDeny(p.arguments?.[0]), undefined);
  if (!edit) return null;
  if (server.capabilities.applyEdit) {
    try {
      await server.connection.workspace.applyEdit({ label: 'Add default-deny NetworkPolicy', edit });
    } catch (e) {
      server.connection.console.error(`k8s-guardrails: applyEdit failed: ${(e as Error)?.message ?? e}`);
    }
  }
  return edit;
}
