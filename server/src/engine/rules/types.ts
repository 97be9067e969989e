/** What a rule is, what it reports, and what it can fix. */
import type { AnalysisMemo } from '../memo';
import { Resource, Severity, SourceFile } from '../model';
import { Range } from '../text';
import { YPath } from '../yaml/parse';
import type { WorkspaceIndex } from '../workspace';

export type RuleFamily = 'yaml' | 'pss' | 'hardening' | 'netpol' | 'rbac' | 'config';

export interface RuleDocs {
  /** One sentence: what the rule reports. */
  summary: string;
  /** Why it matters (a short paragraph). */
  why: string;
  /** How the rule relates to the other Pod Security Standards level's rule for the same fields, if it does. */
  levels?: string;
  /** A manifest fragment that triggers the rule. */
  insecure?: string;
  /** The same fragment, fixed. */
  hardened?: string;
  references?: string[];
}

/** Fix availability, as in ruff's `FixAvailability`. */
export type FixAvailability = 'always' | 'sometimes' | 'none';

export interface RuleMeta {
  /** Readable slug, stable: diagnostics, config and the CLI contract use it. */
  id: string;
  family: RuleFamily;
  title: string;
  defaultSeverity: Severity;
  /** For Pod Security Standards rules: the level and the official check id. */
  pss?: { level: 'baseline' | 'restricted'; check: string };
  /** Whether findings come with a quick fix: every one (`always`), depending on the case (`sometimes`), or never (`none`). */
  fix: FixAvailability;
  /** Always on at its default severity: settings cannot turn it off or re-grade it (only an ignore entry with a reason can). */
  locked?: boolean;
  docs: RuleDocs;
}

export interface TextEdit {
  uri: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe to apply as part of "fix all". */
  fixAll?: boolean;
  /** Adds an ignore annotation instead of fixing. */
  suppression?: boolean;
  preferred?: boolean;
}

export interface RelatedInfo {
  uri: string;
  range: Range;
  message: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  uri: string;
  range: Range;
  resource?: Resource;
  /** The field path relative to `resource`, when the rule reported one. */
  path?: YPath;
  pss?: { level: string; check: string; version?: string };
  related?: RelatedInfo[];
  /** Computed on demand (code actions, fix-all), never during a plain scan. */
  fixes?: FixProvider;
  /** Set when an ignore applies (only kept with `includeSuppressed`). */
  suppressed?: { by: 'annotation' | 'config'; reason: string };
  /** For a finding on a Kustomize-rendered object: the kustomization file that rendered it. */
  kustomization?: string;
  /** For a finding on a Helm-rendered object: the chart folder and the release that rendered it. */
  helm?: { chart: string; release: string };
}

/** `fixAllOnly`: skip fixes that are not part of "fix all" (they may be costly, like whole-workload hardening). */
export type FixProvider = (opts?: { fixAllOnly?: boolean }) => Fix[];

export interface Report {
  message: string;
  /** Where: a resource + field path, or an explicit file range. */
  resource?: Resource;
  path?: YPath;
  file?: SourceFile;
  range?: Range;
  /** Overrides the configured severity (e.g. PSS `warn`/`audit` modes report lower). */
  severity?: Severity;
  pss?: Finding['pss'];
  related?: RelatedInfo[];
  fixes?: FixProvider;
}

export interface RuleContext {
  readonly settings: EngineSettings;
  readonly workspace: WorkspaceIndex;
  /** The snapshot's derived models (NetworkPolicy, RBAC), built once per snapshot (engine/memo.ts). */
  readonly memo: AnalysisMemo;
  report(r: Report): void;
}

export interface Rule extends RuleMeta {
  /** Per file: syntax-level checks. */
  checkFile?(file: SourceFile, ctx: RuleContext): void;
  /** Per Kubernetes resource. */
  checkResource?(res: Resource, ctx: RuleContext): void;
  /**
   * The kinds `checkResource` may report on, when it reports on these kinds only (its own check stays): the
   * analysis does not call it for other resources (the rules × resources loop is the analysis's hottest).
   */
  kinds?: ReadonlySet<string>;
  /** `checkResource` reports only on resources that hold a pod spec (`podTemplates`): the analysis skips the others. */
  podSpecsOnly?: boolean;
  /** Once per analysis, over the whole workspace (cross-file rules); may report on any file. */
  checkWorkspace?(ctx: RuleContext): void;
}

export type RuleSetting = Severity | 'off';

export interface EngineSettings {
  pss: {
    level: 'privileged' | 'baseline' | 'restricted';
    version: string;
    /** What chose level/version when no Namespace in the workspace does. */
    source: 'default' | 'settings' | 'command line' | 'config file';
    /** When true (CLI flags), the namespace labels do not override. */
    override: boolean;
  };
  rules: Record<string, RuleSetting>;
  /** NetworkPolicy rules (all optional; see docs/rules.md, family netpol). */
  netpol?: {
    /** Which directions `missing-network-policy` requires a selecting policy for (default both). */
    require?: 'ingress' | 'egress' | 'both' | 'off';
    /** Whether ipBlock peers also match pod IPs (network-plugin dependent; default false). */
    ipBlockMatchesPodIPs?: boolean;
    /** The cluster's address ranges (default RFC 1918); explicit values also enable `netpol-ipblock-covers-cluster`. */
    clusterCIDRs?: string[];
  };
  /** Hardening rules (all optional; `hardening:` in `.k8s-guardrails.yaml`). */
  hardening?: {
    /** `automount-service-account-token` also reports an explicit `automountServiceAccountToken: true` (default false: an informed choice). */
    reportExplicitAutomountToken?: boolean;
  };
}

export const DEFAULT_SETTINGS: EngineSettings = {
  pss: { level: 'restricted', version: 'latest', source: 'default', override: false },
  rules: {},
};

export function defineRule(rule: Rule): Rule {
  return rule;
}
