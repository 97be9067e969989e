// Minimal extension for the launcher self-test (test/editor/launchers/demo-suite).
'use strict';
const vscode = require('vscode');

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('k8sgFixture.hello', (name) => `hello ${name ?? 'world'} from ${vscode.env.appName}`),
  );
  return { activatedAt: Date.now() };
}

function deactivate() {}

module.exports = { activate, deactivate };
