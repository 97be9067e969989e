/** Public types of the NetworkPolicy (networking.k8s.io/v1) engine. */

export type Path = (string | number)[];
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type Direction = 'ingress' | 'egress';

export interface NsInfo {
  name: string;
  labels: Record<string, string>;
}

export interface ContainerPortInfo {
  name?: string;
  containerPort: number;
  /** Default TCP. */
  protocol?: string;
}

export interface PodInfo {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** Pod IPs (status.podIPs). For hostNetwork pods these are the node's IPs. */
  ips?: string[];
  hostNetwork?: boolean;
  /** IP of the node the pod runs on (status.hostIP). */
  nodeIP?: string;
  ports?: ContainerPortInfo[];
}

export interface PolicySource {
  name: string;
  namespace: string;
  /** The whole NetworkPolicy object as parsed from YAML/JSON (untrusted). */
  object: any;
  /** Opaque, passed back in results. */
  ref?: unknown;
}

export type Peer = { kind: 'pod'; pod: PodInfo } | { kind: 'ip'; ip: string };

export interface RuleRef {
  policy: PolicySource;
  direction: Direction;
  ruleIndex: number;
  /** Path of the rule in the policy object, e.g. ['spec','egress',0]. */
  path: Path;
}

export interface NetpolOptions {
  /**
   * Whether ipBlock peers also match pod IPs (traffic between pods).
   * Kubernetes leaves this to the network plugin. Default false (like
   * np-guard/netpol-analyzer: ipBlock only selects cluster-external endpoints);
   * true behaves like cyclonus / most iptables-based plugins (match by IP).
   */
  ipBlockMatchesPodIPs: boolean;
}

export const DEFAULT_OPTIONS: NetpolOptions = {
  ipBlockMatchesPodIPs: false,
};

export type ProblemCode =
  | 'invalid-port'
  | 'invalid-ipblock'
  | 'invalid-peer'
  | 'invalid-selector'
  | 'invalid-policy-type'
  | 'invalid-field';

export interface ProblemFix {
  /** Path of the object whose fields should be replaced (e.g. the ports entry). */
  target: Path;
  /** Fields to set on `target` (replacing existing values). */
  set: Record<string, unknown>;
}

export interface PolicyProblem {
  code: ProblemCode;
  /** 'error': the API server rejects the object; 'warning': accepted but suspicious. */
  severity: 'error' | 'warning';
  message: string;
  /** Path in the policy object of the offending field. */
  path: Path;
  fix?: ProblemFix;
}

export interface DirectionVerdict {
  /** Whether the endpoint on this side is isolated for this direction. */
  isolated: boolean;
  /** Rules that allow the connection (empty when not isolated). */
  allowedBy: RuleRef[];
  /** Policies isolating the endpoint for this direction. */
  policies: PolicySource[];
}

export interface ConnectionVerdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  reason: string;
}
