/**
 * The cluster panel's HTML (no `vscode` import: tested in plain Chromium by
 * test/editor/playwright/panel-html.test.ts).
 */
import * as crypto from 'node:crypto';
import { webviewMain } from './webview-main';

export function nonce(): string {
  return crypto.randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** The panel's HTML; exported for tests (CSP, no inline handlers). */
export function panelHtml(opts: { cspSource: string; nonce: string; codiconCss?: string }): string {
  const { cspSource, nonce: n } = opts;
  const csp = `default-src 'none'; script-src 'nonce-${n}'; style-src ${cspSource} 'nonce-${n}'; font-src ${cspSource}`;
  // `</` cannot appear in the serialized function (no closing tag injection into the <script>)
  const script = `(${webviewMain.toString()})();`.replace(/<\//g, '<\\/');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${opts.codiconCss ? `<link rel="stylesheet" href="${opts.codiconCss}">` : ''}
<style nonce="${n}">${STYLE}</style>
<title>Kubernetes Cluster</title>
</head>
<body>
<div id="root" role="region" aria-label="Kubernetes cluster"><p>Loading…</p></div>
<script nonce="${n}">${script}</script>
</body>
</html>`;
}

const STYLE = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 24px; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; justify-content: space-between; padding: 12px 0; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); }
.context { display: flex; gap: 6px; align-items: center; }
.actions, .row-buttons { display: flex; gap: 6px; flex-wrap: wrap; }
h2 { font-size: 1.1em; font-weight: 600; margin: 20px 0 8px; }
button { display: inline-flex; gap: 4px; align-items: center; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 3px 9px; font: inherit; cursor: pointer; }
button:hover:not(:disabled) { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button.secondary:hover:not(:disabled) { background: var(--vscode-button-secondaryHoverBackground); }
button:disabled { opacity: 0.5; cursor: default; }
button:focus-visible, input:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
input[type=search] { color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; min-width: 240px; font: inherit; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; color: var(--vscode-descriptionForeground); border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); padding: 4px 8px; }
td { padding: 4px 8px; vertical-align: top; border-bottom: 1px solid var(--vscode-editorGroup-border, transparent); }
tr.isolated td { background: var(--vscode-inputValidation-warningBackground, transparent); }
td.isolation.isolated { color: var(--vscode-editorWarning-foreground); font-weight: 600; }
td.count.has { color: var(--vscode-editorError-foreground); font-weight: 600; }
tr.suspicious td { color: var(--vscode-errorForeground); font-weight: 600; }
.mono { font-family: var(--vscode-editor-font-family); }
td.images { min-width: 160px; max-width: 320px; }
td.name { min-width: 140px; }
.table-scroll { overflow-x: auto; }
td.row-actions { width: 1%; }
table.pods td.row-actions, table.pods th:last-child { position: sticky; right: 0; background: var(--vscode-editor-background); box-shadow: -6px 0 6px -6px var(--vscode-widget-shadow, transparent); }
.row-buttons { flex-direction: column; align-items: stretch; }
.row-buttons button { white-space: nowrap; }
td.name, td.images, td.mono, td.ns { overflow-wrap: anywhere; }
#trace .actions { margin: 6px 0 10px; }
.small { font-size: 0.9em; }
.muted { color: var(--vscode-descriptionForeground); }
.banner { padding: 6px 10px; margin: 8px 0; border-left: 3px solid var(--vscode-focusBorder); background: var(--vscode-textBlockQuote-background); }
.banner.error { border-color: var(--vscode-errorForeground); }
.banner.warning { border-color: var(--vscode-editorWarning-foreground); }
.filter { margin-bottom: 6px; }
ul.findings { list-style: none; padding: 0; }
li.finding { padding: 3px 0; }
li.finding.error .codicon { color: var(--vscode-editorError-foreground); }
li.finding.warning .codicon { color: var(--vscode-editorWarning-foreground); }
.rule { font-family: var(--vscode-editor-font-family); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.codicon-loading { animation: spin 1.5s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
`;

