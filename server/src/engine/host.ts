/**
 * The engine's façade, in the shape of rust-analyzer's `AnalysisHost` /
 * `Analysis`: the host takes changes (files, settings, the configuration
 * file, rendered sources through `workspace`), and `analysis()` hands out a
 * snapshot that answers every question the front ends ask — findings per
 * file, fixes, fix-all, hovers, code lenses, RBAC questions, and which files
 * a change affects. The snapshot owns the derived models of its workspace
 * state (NetworkPolicy, RBAC: engine/memo.ts), so no module keeps a cache
 * keyed on the mutable index.
 *
 * A snapshot stays valid until the next change to the host; asking a stale
 * one throws (the language server asks the host for a fresh one per
 * request, synchronously).
 */
import { analyze, AnalysisResult, AnalyzeOptions, unusedConfigIgnores } from './analyze';
import { applyConfig, ConfigFile, IgnoreEntry } from './config';
import { fixAll } from './fix/apply';
import { AnalysisMemo, SnapshotContext } from './memo';
import { LoadOptions, SourceFile } from './model';
import { generateDefaultDenyEdit, PlainWorkspaceEdit, workloadSignature } from './netpol/commands';
import { netpolCodeLenses, NetpolLens, netpolHover } from './netpol/hover';
import { rbacWorkspace, RbacWorkspace } from './rules/rbac/common';
import { rbacHover } from './rules/rbac/hover';
import { PssMode, pssModesForNamespace } from './rules/pss/evaluate';
import { podTemplates } from './workloads';
import { DEFAULT_SETTINGS, EngineSettings, Finding, Fix, TextEdit } from './rules/types';
import { Position } from './text';
import { factsOf, sameFacts, WorkspaceIndex } from './workspace';
import { otherDefinitions } from './rules/yaml/duplicate-resource';

/** Kinds whose change can alter findings in other files. */
const CROSS_FILE_KINDS = new Set(['Namespace', 'NetworkPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount']);

/** The files to analyse again after a change to one file. */
export interface Affected {
  /** Every file of the workspace (after `uris`, which go first). */
  all: boolean;
  /** The changed file, after the other files it affects. */
  uris: string[];
}

export type DiagnosticsOptions = Omit<AnalyzeOptions, 'configIgnores' | 'memo'>;

/** Kinds whose findings depend on the labels of workloads in other files. */
const WORKLOAD_SELECTING_KINDS = ['NetworkPolicy', 'Service'];

export class AnalysisHost {
  /**
   * The files. Read it freely; change files through the host. Kustomize and Helm attach their
   * renders here (`attachRendered`, virtual files), which the next snapshot sees.
   */
  readonly workspace: WorkspaceIndex;
  private base: EngineSettings = structuredClone(DEFAULT_SETTINGS);
  private configFile: ConfigFile | undefined;
  private combined: EngineSettings | undefined;
  private current: Analysis | undefined;

  constructor(options: LoadOptions = {}) {
    this.workspace = new WorkspaceIndex(options);
  }

  /** Add or replace a file (re-parses only the documents whose text changed). */
  setFile(uri: string, text: string): SourceFile {
    return this.workspace.set(uri, text);
  }

  /** Add a file that is not analysed: it gets one `not-analysed` error with `reason`. */
  setNotAnalysed(uri: string, reason: string, text?: string): SourceFile {
    return this.workspace.setNotAnalysed(uri, reason, text);
  }

  removeFile(uri: string): boolean {
    return this.workspace.delete(uri);
  }

  file(uri: string): SourceFile | undefined {
    return this.workspace.get(uri);
  }

  /** The settings of the front end (editor settings, command-line flags). */
  setSettings(settings: EngineSettings): void {
    this.base = settings;
    this.combined = undefined;
    this.current = undefined;
  }

  /** The workspace configuration file (undefined: none). */
  setConfig(config: ConfigFile | undefined): void {
    this.configFile = config;
    this.combined = undefined;
    this.current = undefined;
  }

  get config(): ConfigFile | undefined {
    return this.configFile;
  }

  /** The front end's settings combined with the configuration file. */
  get settings(): EngineSettings {
    return (this.combined ??= applyConfig(this.base, this.configFile?.config));
  }

  /**
   * A snapshot of the current state (the same one until something changes). It keeps the derived models
   * of the snapshot before (engine/memo.ts) while the workspace's facts, the renders, the settings and the
   * configuration are unchanged (a change to the last two drops `current`).
   */
  analysis(): Analysis {
    const c = this.current;
    const ws = this.workspace;
    if (c && c.version === ws.version) return c;
    const memo = c && c.memo.facts === ws.facts && c.memo.rendered === ws.rendered ? c.memo : new AnalysisMemo(ws.facts, ws.rendered);
    return (this.current = new Analysis(ws, this.settings, this.configFile, memo));
  }
}

export class Analysis implements SnapshotContext {
  /** The workspace version this snapshot answers for. */
  readonly version: number;

  constructor(
    readonly workspace: WorkspaceIndex,
    readonly settings: EngineSettings,
    readonly config: ConfigFile | undefined,
    readonly memo: AnalysisMemo = new AnalysisMemo(workspace.facts, workspace.rendered),
  ) {
    this.version = workspace.version;
  }

  private check(): this {
    if (this.workspace.version !== this.version) throw new Error('stale analysis snapshot: the workspace changed since; ask the host for a new one');
    return this;
  }

  /**
   * The Pod Security level and version in force for the workloads of namespace `name` (undefined: no
   * namespace), as the PSS rules see them, and the Namespace object that set enforce (undefined: the
   * settings, the config file or the default decide). For the editor's status item.
   */
  pssInForce(name: string | undefined): { level: PssMode['level']; version: string; source: string; namespace?: { uri: string } } {
    const { modes, namespace } = pssModesForNamespace(name, this.check().workspace, this.settings);
    const enforce = modes[0];
    return { level: enforce.level, version: enforce.version, source: enforce.source, ...(namespace ? { namespace: { uri: namespace.file.uri } } : {}) };
  }

  /** The namespaces a file's objects land in, workloads' first (theirs decide PSS findings). */
  namespacesOf(file: SourceFile): string[] {
    const resources = [...file.resources].sort((a, b) => Number(podTemplates(b).length > 0) - Number(podTemplates(a).length > 0));
    return [...new Set(resources.map((r) => r.namespace).filter((n): n is string => n !== undefined))];
  }

  /** Findings per file (with config-file and annotation suppression applied). */
  diagnostics(options: DiagnosticsOptions = {}): AnalysisResult {
    this.check();
    const cfg = this.config;
    const configIgnores = cfg?.config.ignores.length ? { uri: cfg.uri, entries: cfg.config.ignores, relativePath: cfg.relativePath } : undefined;
    return analyze(this.workspace, this.settings, { ...options, configIgnores, memo: this.memo });
  }

  /** `unused-ignore` findings on the config file: its `ignore:` entries that are not in `used`. */
  unusedConfigIgnores(used: Set<IgnoreEntry>): Finding[] {
    const cfg = this.config;
    return cfg ? unusedConfigIgnores(cfg.uri, cfg.config.ignores, used, this.settings) : [];
  }

  /** The fixes offered for a finding (a suppressed one is not offered its suppression again). */
  fixes(finding: Finding): Fix[] {
    return (finding.fixes?.() ?? []).filter((fix) => !(finding.suppressed && fix.suppression));
  }

  /** True when a finding has a fix safe for "fix all". */
  hasFixAll(findings: readonly Finding[]): boolean {
    return findings.some((f) => f.fixes?.({ fixAllOnly: true }).some((x) => x.fixAll));
  }

  /**
   * Every "fix all" fix of a file, as one edit. It re-analyses the file as fixed in place and restores
   * it, so this snapshot is stale afterwards.
   */
  fixAll(uri: string): TextEdit | undefined {
    return fixAll(this.check().workspace, uri, this.settings);
  }

  /** Markdown: what NetworkPolicy makes of the workload or policy at `position`. */
  netpolHover(uri: string, position: Position): string | undefined {
    return netpolHover(this.check(), uri, position);
  }

  /** Markdown: the RBAC grants of the binding, role rule, ServiceAccount or workload at `position`. */
  rbacHover(uri: string, position: Position): string | undefined {
    return rbacHover(this.check(), uri, position);
  }

  codeLenses(uri: string): NetpolLens[] {
    return netpolCodeLenses(this.check(), uri);
  }

  /** The edit of the `k8sGuardrails.generateDefaultDeny` command. */
  generateDefaultDeny(args: unknown): PlainWorkspaceEdit | undefined {
    return generateDefaultDenyEdit(this.check(), args);
  }

  /** The RBAC model: who can, effective permissions, grant chains. */
  rbac(): RbacWorkspace {
    return rbacWorkspace(this.check());
  }

  /**
   * The files to analyse again after `uri` changed from `before` to `after` (undefined: absent): the file
   * alone when what other resources read of it is unchanged (its facts, see WorkspaceIndex.facts); else every
   * file when a cross-file kind (Namespace, NetworkPolicy, RBAC) is or was there; the NetworkPolicy files when
   * the workloads' labels, names or namespaces changed. Plus, unless every file, the files holding other
   * definitions of its objects (duplicate-resource compares their whole content).
   */
  affectedBy(uri: string, before: SourceFile | undefined, after: SourceFile | undefined): Affected {
    const ws = this.check().workspace;
    const others = () => otherDefinitions(this, [before, after]);
    if (before && after && sameFacts(factsOf(before), factsOf(after))) return { all: false, uris: [...others(), uri] };
    const crossBefore = before?.resources.some((r) => CROSS_FILE_KINDS.has(r.kind)) ?? false;
    const crossAfter = after?.resources.some((r) => CROSS_FILE_KINDS.has(r.kind)) ?? false;
    if (crossBefore || crossAfter) return { all: true, uris: [uri] };
    if ((before || after) && (before ? workloadSignature(before) : '[]') !== (after ? workloadSignature(after) : '[]')) {
      // Workload labels/namespaces changed (or a file with workloads came or went): findings of the kinds that
      // select workloads (netpol-selects-nothing, netpol-peer-selects-nothing, dangling-service) elsewhere may change.
      const uris = WORKLOAD_SELECTING_KINDS.flatMap((kind) => ws.resourcesOfKind(kind).map((r) => r.file.uri));
      uris.push(...others(), uri);
      return { all: false, uris: [...new Set(uris)] };
    }
    return { all: false, uris: [...others(), uri] };
  }
}
