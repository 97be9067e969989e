/**
 * Commands of the "Get started" walkthrough (package.json contributes.walkthroughs): open an
 * example manifest to fix (an untitled document: nothing is written to the workspace).
 */
import * as vscode from 'vscode';

export const OPEN_EXAMPLE_COMMAND = 'k8sGuardrails.walkthrough.openExample';

/** A Deployment with the mistakes the quick fixes repair. */
export const EXAMPLE_MANIFEST = `# An example with common mistakes: hover the squiggles, then
# Quick Fix (Ctrl+.) one finding, or run "Fix All Auto-fixable Problems".
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:latest
          ports:
            - containerPort: 8080
          securityContext:
            privileged: true
            allowPrivilegeEscalation: true
`;

export function registerWalkthroughCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: EXAMPLE_MANIFEST });
      await vscode.window.showTextDocument(doc);
    }),
  );
}
