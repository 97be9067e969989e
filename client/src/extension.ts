/**
 * The VS Code side: starts the language server, forwards settings, wires
 * commands. All analysis happens in the server (the client never parses YAML).
 */
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export interface GuardrailsApi {
  /** Resolves when the language server is running (used by the integration tests). */
  ready: Promise<void>;
  client(): LanguageClient | undefined;
}

function initializationSettings() {
  const cfg = vscode.workspace.getConfiguration('k8sGuardrails');
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
  return {
    pss: cfg.get('pss'),
    rules: cfg.get('rules'),
    maxFileSize: cfg.get<number>('maxFileSize'),
    workspace: {
      exclude: Object.entries(filesExclude)
        .filter(([, on]) => on === true)
        .map(([glob]) => glob),
      maxFiles: cfg.get<number>('workspace.maxFiles'),
    },
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<GuardrailsApi> {
  const output = vscode.window.createOutputChannel('Kubernetes Guardrails', { log: true });
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath('server/out/main.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, args: ['lsp'], transport: TransportKind.ipc },
    debug: { module: serverModule, args: ['lsp'], transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: {
      configurationSection: 'k8sGuardrails',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    initializationOptions: { settings: initializationSettings() },
    outputChannel: output,
  };
  client = new LanguageClient('k8sGuardrails', 'Kubernetes Guardrails', serverOptions, clientOptions);

  context.subscriptions.push(
    vscode.commands.registerCommand('k8sGuardrails.showOutput', () => output.show()),
    vscode.commands.registerCommand('k8sGuardrails.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('k8sGuardrails.fixAll', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      await vscode.commands.executeCommand('editor.action.codeAction', { kind: 'source.fixAll.k8sGuardrails', apply: 'first' });
    }),
  );

  const ready = client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
  return { ready, client: () => client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
