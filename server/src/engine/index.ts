/**
 * The engine's public surface: nothing outside server/src/engine imports any
 * other file of it (test/unit/engine-boundary.test.ts). Architecture
 * invariants: nothing under server/src/engine imports `vscode` or
 * `vscode-languageserver`; the CLI and the language server both go through
 * `AnalysisHost` / `Analysis` (host.ts).
 */
// The façade
export { AnalysisHost, Analysis, Affected, DiagnosticsOptions } from './host';
export { analyze, AnalyzeOptions, AnalysisResult } from './analyze';
export { WorkspaceIndex } from './workspace';
// Configuration file and settings
export {
  applyConfig,
  CONFIG_FILE_NAMES,
  ConfigError,
  ConfigFile,
  didYouMean,
  HelmRelease,
  IgnoreEntry,
  isConfigFile,
  readConfigFile,
  WorkspaceConfig,
} from './config';
export { parsePssVersion } from './pss';
// Model and text
export {
  CLUSTER_SCOPED,
  DEFAULT_MAX_FILE_BYTES,
  formatSize,
  isObject,
  loadSourceFile,
  overSizeLimit,
  Resource,
  SEVERITIES,
  Severity,
  SourceFile,
} from './model';
export { KUBERNETES_SCHEMA, YamlDocument, YPath } from './yaml/parse';
export { LineIndex, Position, Range } from './text';
// Rules, findings, fixes
export { RULES, ruleById, ruleDocsUrl } from './rules/registry';
export { DEFAULT_SETTINGS, EngineSettings, Finding, Fix, Rule, TextEdit, RuleSetting } from './rules/types';
export { fixAll } from './fix/apply';
export { replaceScalar } from './fix/edits';
export { applyEdits, diffEdit } from './fix/text-edits';
export { GENERATE_DEFAULT_DENY, PlainWorkspaceEdit } from './netpol/commands';
export { NetpolLens } from './netpol/hover';
// RBAC questions (the model comes from `Analysis.rbac()`)
export { formatSubject, parseSubject, subjectKey, type ChainStep, type GrantChain, type Permission, type SubjectRef } from './rbac';
export { RbacWorkspace, stepLocation } from './rules/rbac/common';
// Rendered sources (Kustomize, Helm)
export { attachRendered, RenderedSources, RenderFailure } from './rendered';
export { globBase, hasGlob, ignoreMatcher, nameGlob, pathGlob } from './glob';
