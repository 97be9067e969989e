/**
 * The engine's public surface. Architecture invariant: nothing under
 * server/src/engine imports `vscode` or `vscode-languageserver`; the CLI and
 * the language server both go through `analyze`.
 */
export { analyze, AnalyzeOptions, AnalysisResult } from './analyze';
export { WorkspaceIndex } from './workspace';
export { Resource, SourceFile, Severity, SEVERITIES, DEFAULT_MAX_FILE_BYTES } from './model';
export { RULES, ruleById, ruleDocsUrl } from './rules/registry';
export { DEFAULT_SETTINGS, EngineSettings, Finding, Fix, Rule, TextEdit, RuleSetting } from './rules/types';
export { fixAll } from './fix/apply';
export { applyEdits, diffEdit } from './fix/text-edits';
export { LineIndex, Position, Range } from './text';
