/**
 * Messages between the cluster panel's webview and the extension. The types
 * are shared by both sides (the webview script is type-checked against them);
 * everything the extension receives goes through `parseWebviewMessage`
 * (the webview is treated as untrusted input).
 */
import { visibleControls } from '../../../shared/text/inert';

export interface PanelPod {
  namespace: string;
  name: string;
  phase: string;
  ip: string;
  node: string;
  images: string[];
  /** Findings of the scanned object this pod comes from (undefined: not scanned yet). */
  findings?: number;
  /** `Deployment checkout`, `Pod node-debugger`, … */
  owner?: string;
  /** Carries the quarantine label set by Isolate. */
  isolated: boolean;
  /** For a quarantined pod: isolated by the live policies (computed), or NOT, with why (plain text). */
  isolation?: { isolated: boolean; summary: string };
}

export interface PanelNamespace {
  name: string;
  /** PSA labels: enforce/warn/audit level (undefined when not set). */
  psa: { enforce?: string; warn?: string; audit?: string };
  findings?: number;
}

export interface PanelFinding {
  severity: 'error' | 'warning' | 'info' | 'hint';
  rule: string;
  message: string;
  /** `Deployment payments/checkout` */
  object: string;
}

export interface PanelTraceConnection {
  direction: string;
  protocol: string;
  local: string;
  remote: string;
  state: string;
  /** e.g. `public internet`, `pod payments/ledger-…`, `service kube-dns` */
  peer: string;
  /** true for connections to public addresses (highlighted). */
  suspicious: boolean;
}

export interface PanelTrace {
  namespace: string;
  pod: string;
  at: string;
  summary: string;
  connections: PanelTraceConnection[];
  notes: string[];
  /** Set when the pod was isolated or released after the trace: why it no longer describes the pod. */
  stale?: string;
}

export interface PanelState {
  trusted: boolean;
  /** kubeconfig problem or API error preventing anything else. */
  error?: string;
  context?: string;
  server?: string;
  source?: string;
  contexts: string[];
  namespaces: PanelNamespace[];
  pods: PanelPod[];
  scan?: { at: string; objects: number; findings: number; errors: string[] };
  topFindings: PanelFinding[];
  trace?: PanelTrace;
  /** What is running (`scan`, `trace payments/x`, …) — buttons are disabled meanwhile. */
  busy?: string;
  /** Which operation commands are available (the cluster operations module registers them). */
  operations: { trace: boolean; isolate: boolean; release: boolean; generatePolicy: boolean };
  notices: string[];
}

/** Webview → extension. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'scan' }
  | { type: 'selectContext' }
  | { type: 'trace'; namespace: string; pod: string }
  | { type: 'isolate'; namespace: string; pod: string }
  | { type: 'release'; namespace: string; pod: string }
  | { type: 'openObject'; namespace: string; pod: string }
  | { type: 'generatePolicy'; namespace: string; pod: string };

/** Extension → webview. */
export type ExtensionMessage = { type: 'state'; state: PanelState } | { type: 'focusPod'; namespace: string; pod: string };

/** DNS-1123 subdomain (pod names) / label (namespaces): what Kubernetes allows. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Validates a message from the webview; undefined for anything unexpected. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'refresh':
    case 'scan':
    case 'selectContext':
      return Object.keys(m).length === 1 ? { type: m.type } : undefined;
    case 'trace':
    case 'isolate':
    case 'release':
    case 'openObject':
    case 'generatePolicy': {
      if (Object.keys(m).length !== 3) return undefined;
      if (typeof m.namespace !== 'string' || typeof m.pod !== 'string') return undefined;
      if (m.namespace.length > 63 || !NAME.test(m.namespace) || !NAME.test(m.pod)) return undefined;
      return { type: m.type, namespace: m.namespace, pod: m.pod };
    }
    default:
      return undefined;
  }
}

/**
 * Cluster text shown in the panel: control characters and bidi overrides
 * become visible `\u{…}` escapes (a U+202E in an image name must not reorder
 * what the user reads), and very long strings are cut. The webview still only
 * ever puts text into the DOM with `textContent`.
 */
export function displayText(s: string, max = 300): string {
  const visible = visibleControls(s);
  return visible.length > max ? `${visible.slice(0, max)}…` : visible;
}
