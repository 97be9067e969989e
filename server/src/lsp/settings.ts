/** The `k8sGuardrails.*` settings as the client sends them → engine settings. */
import { DEFAULT_SETTINGS, EngineSettings, RuleSetting } from '../engine';
import { parsePssVersion } from '../engine';

export interface ClientSettings {
  pss?: { level?: string; version?: string };
  rules?: Record<string, string>;
  maxFileSize?: number;
  /** Per-file analysis time limit in ms (default 3000): a file over it shows what was found and says so. */
  analysisTimeLimitMs?: number;
  debounceMs?: number;
  workspace?: { exclude?: string[]; maxFiles?: number };
  netpol?: { require?: string; ipBlockMatchesPodIPs?: boolean; clusterCIDRs?: string[] };
  /** Show findings suppressed by an ignore as hints (with the reason). */
  showSuppressed?: boolean;
  /** Kustomize rendering; `command` is machine-scoped in VS Code. */
  kustomize?: { enabled?: boolean; command?: string; timeoutSeconds?: number };
  /** Helm rendering; `command` is machine-scoped in VS Code. */
  helm?: { enabled?: boolean; command?: string; timeoutSeconds?: number };
  /** Set by the VS Code client: false in Restricted Mode (no kustomize rendering). Other clients: trusted. */
  trusted?: boolean;
}

const RULE_SETTINGS = new Set(['error', 'warning', 'info', 'hint', 'off']);

export function fromClientSettings(s: ClientSettings): EngineSettings {
  const out = structuredClone(DEFAULT_SETTINGS);
  if (s.pss?.level || s.pss?.version) out.pss.source = 'settings';
  const level = s.pss?.level;
  if (level === 'baseline' || level === 'restricted' || level === 'privileged') out.pss.level = level;
  if (typeof s.pss?.version === 'string' && parsePssVersion(s.pss.version)) out.pss.version = s.pss.version;
  for (const [id, v] of Object.entries(s.rules ?? {})) if (RULE_SETTINGS.has(v)) out.rules[id] = v as RuleSetting;
  const np = s.netpol;
  if (np && typeof np === 'object') {
    const netpol: NonNullable<EngineSettings['netpol']> = {};
    if (np.require === 'ingress' || np.require === 'egress' || np.require === 'both' || np.require === 'off') netpol.require = np.require;
    if (typeof np.ipBlockMatchesPodIPs === 'boolean') netpol.ipBlockMatchesPodIPs = np.ipBlockMatchesPodIPs;
    if (Array.isArray(np.clusterCIDRs)) netpol.clusterCIDRs = np.clusterCIDRs.filter((c) => typeof c === 'string');
    out.netpol = netpol;
  }
  return out;
}
