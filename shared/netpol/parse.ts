/**
 * Parses an untrusted NetworkPolicy object into a normalized, defaulted form and
 * collects the problems the API server would report (plus the CIDR warnings of
 * StrictIPCIDRValidation). Those problems decide how the model reads the object
 * (fail-closed), so they are found while parsing; lint warnings about valid
 * policies are the rules' own, on the facts recorded here (e.g. `explicitTypes`,
 * `emptyEgressList`, the ipBlock ranges).
 *
 * Interpretation rules (documented decisions):
 *  - Fields are read as the API server decodes them: `null` behaves like absent;
 *    a `null` rule / ports entry is an empty struct (rule `{}` = allow all,
 *    port `{}` = all TCP ports), a `null` peer is an empty peer (invalid).
 *  - policyTypes defaulting is SetDefaults_NetworkPolicy: when policyTypes is
 *    absent or empty, it is [Ingress] plus Egress iff `egress` has at least one
 *    entry (so `egress: []` without policyTypes does NOT isolate egress).
 *  - Anything invalid is interpreted fail-closed: an invalid selector, peer,
 *    ipBlock or port entry matches nothing; a wrongly typed `from`/`to`/`ports`
 *    matches nothing (rather than "all", which is what absence means). A policy
 *    still isolates the pods it selects even when some of its rules are invalid.
 */
import { Interval, ParsedCidr, parseCidr, subtract } from './cidr';
import { CompiledSelector, EMPTY_SELECTOR, compileSelector, isObject } from './selector';
import type { Direction, Path, PolicyProblem, Protocol } from './types';

export interface ParsedPort {
  index: number;
  path: Path;
  /** Protocol after defaulting; undefined when invalid. */
  protocol: Protocol | undefined;
  /** 'all' = no port given (all ports of the protocol). */
  kind: 'all' | 'range' | 'named' | 'invalid';
  from: number;
  to: number;
  name?: string;
  raw: unknown;
}

export interface ParsedIpBlock {
  text: string;
  cidr: ParsedCidr;
  except: ParsedCidr[];
  /** cidr minus except, as intervals in cidr.family. */
  allowed: Interval[];
}

export interface ParsedPeer {
  index: number;
  path: Path;
  kind: 'selector' | 'ipBlock' | 'invalid';
  /** undefined = field absent. */
  podSelector?: CompiledSelector;
  namespaceSelector?: CompiledSelector;
  /** undefined for an invalid ipBlock (matches nothing). */
  ipBlock?: ParsedIpBlock;
}

export interface ParsedRule {
  index: number;
  path: Path;
  direction: Direction;
  /** 'all' when from/to is absent or empty. */
  peers: ParsedPeer[] | 'all';
  /** 'all' when ports is absent or empty. */
  ports: ParsedPort[] | 'all';
}

export interface ParsedPolicy {
  /** Selector of the pods the policy applies to (absent spec.podSelector = {}). */
  podSelector: CompiledSelector;
  /** Effective policyTypes after defaulting. */
  types: { ingress: boolean; egress: boolean };
  /** policyTypes was given explicitly (non-empty list). */
  explicitTypes: boolean;
  /** spec.egress was written as an empty list (`egress: []`). */
  emptyEgressList: boolean;
  ingress: ParsedRule[];
  egress: ParsedRule[];
  /** What the API server rejects, found while parsing (and CIDR warnings). */
  problems: PolicyProblem[];
}

const SPEC_FIELDS = new Set(['podSelector', 'policyTypes', 'ingress', 'egress']);
const INGRESS_RULE_FIELDS = new Set(['from', 'ports']);
const EGRESS_RULE_FIELDS = new Set(['to', 'ports']);
const PEER_FIELDS = new Set(['podSelector', 'namespaceSelector', 'ipBlock']);
const PORT_FIELDS = new Set(['protocol', 'port', 'endPort']);
const IPBLOCK_FIELDS = new Set(['cidr', 'except']);
const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** IANA_SVC_NAME validation as in k8s.io/apimachinery IsValidPortName. */
export function portNameError(name: string): string | undefined {
  if (name.length < 1 || name.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return "must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)";
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter (a-z)';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with a hyphen';
  return undefined;
}

const validPortNum = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

class Parser {
  problems: PolicyProblem[] = [];

  problem(code: PolicyProblem['code'], path: Path, message: string, severity: 'error' | 'warning' = 'error', fix?: PolicyProblem['fix']): void {
    const p: PolicyProblem = { code, severity, message, path };
    if (fix) p.fix = fix;
    this.problems.push(p);
  }

  unknownFields(obj: Record<string, unknown>, allowed: Set<string>, path: Path, what: string): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.has(k))
        this.problem('invalid-field', [...path, k], `unknown field "${k}" in ${what} (expected one of: ${[...allowed].join(', ')})`);
    }
  }

  port(raw: unknown, index: number, path: Path): ParsedPort {
    const out: ParsedPort = { index, path, protocol: 'TCP', kind: 'all', from: 1, to: 65535, raw };
    if (raw === null || raw === undefined) return out; // zero struct: all TCP ports
    if (!isObject(raw)) {
      this.problem('invalid-port', path, 'a ports entry must be an object with protocol, port and endPort');
      return { ...out, kind: 'invalid', protocol: undefined };
    }
    this.unknownFields(raw, PORT_FIELDS, path, 'ports entry');
    let invalid = false;
    const proto = raw.protocol;
    if (present(proto)) {
      if (typeof proto === 'string' && PROTOCOLS.includes(proto as Protocol)) out.protocol = proto as Protocol;
      else {
        invalid = true;
        out.protocol = undefined;
        const up = typeof proto === 'string' ? proto.toUpperCase() : '';
        const fix = PROTOCOLS.includes(up as Protocol) ? { target: path, set: { protocol: up } } : undefined;
        this.problem('invalid-port', [...path, 'protocol'], `unsupported protocol ${JSON.stringify(proto)}: must be one of TCP, UDP, SCTP`, 'error', fix);
      }
    }
    const port = raw.port;
    const endPort = raw.endPort;
    const hasEnd = present(endPort);
    if (!present(port)) {
      if (hasEnd) {
        invalid = true;
        this.problem('invalid-port', [...path, 'endPort'], 'endPort may not be specified when `port` is not specified');
      }
    } else if (typeof port === 'number') {
      if (!validPortNum(port)) {
        invalid = true;
        this.problem('invalid-port', [...path, 'port'], `invalid port ${port}: must be between 1 and 65535, inclusive`);
      }
      out.kind = 'range';
      out.from = port;
      out.to = port;
      if (hasEnd) {
        if (!validPortNum(endPort)) {
          invalid = true;
          this.problem('invalid-port', [...path, 'endPort'], `invalid endPort ${JSON.stringify(endPort)}: must be between 1 and 65535, inclusive`);
        } else if (endPort < port) {
          invalid = true;
          this.problem('invalid-port', [...path, 'endPort'], `endPort ${endPort} must be greater than or equal to port ${port}`);
        } else out.to = endPort;
      }
    } else if (typeof port === 'string') {
      const range = /^\s*(\d+)\s*[-:]\s*(\d+)\s*$/.exec(port);
      const num = /^\s*(\d+)\s*$/.exec(port);
      if (range) {
        invalid = true;
        const a = Number(range[1]);
        const b = Number(range[2]);
        const fix = validPortNum(a) && validPortNum(b) && a <= b ? { target: path, set: { port: a, endPort: b } } : undefined;
        this.problem(
          'invalid-port',
          [...path, 'port'],
          `port "${port}" is not a valid port: a port range is written as \`port: ${a}\` with \`endPort: ${b}\`` +
            ' (a string port is a named container port, and this one is not a valid name)',
          'error',
          fix,
        );
      } else if (num) {
        invalid = true;
        const a = Number(num[1]);
        const fix = validPortNum(a) ? { target: path, set: { port: a } } : undefined;
        this.problem('invalid-port', [...path, 'port'], `port "${port}" is a string, so it is read as a named port, and it is not a valid name: write the number unquoted`, 'error', fix);
      } else {
        const e = portNameError(port);
        if (e) {
          invalid = true;
          this.problem('invalid-port', [...path, 'port'], `invalid named port "${port}": ${e}`);
        }
        out.kind = 'named';
        out.name = port;
      }
      if (hasEnd) {
        invalid = true;
        this.problem('invalid-port', [...path, 'endPort'], 'endPort may not be specified when `port` is non-numeric');
      }
    } else {
      invalid = true;
      this.problem('invalid-port', [...path, 'port'], `port must be a number or a named port string, not ${JSON.stringify(port)}`);
    }
    if (invalid) out.kind = 'invalid';
    return out;
  }

  ipBlock(raw: unknown, path: Path): ParsedIpBlock | undefined {
    if (!isObject(raw)) {
      this.problem('invalid-ipblock', path, 'ipBlock must be an object with cidr and optional except');
      return undefined;
    }
    this.unknownFields(raw, IPBLOCK_FIELDS, path, 'ipBlock');
    const c = raw.cidr;
    const cp = [...path, 'cidr'];
    if (!present(c) || c === '') {
      this.problem('invalid-ipblock', cp, 'ipBlock.cidr is required');
      return undefined;
    }
    const cidr = parseCidr(c);
    if (!cidr) {
      this.problem('invalid-ipblock', cp, `${JSON.stringify(c)} is not a valid CIDR (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`);
      return undefined;
    }
    this.cidrWarnings(cidr, String(c), cp, path, 'cidr');
    const except: ParsedCidr[] = [];
    let ok = true;
    const ex = raw.except;
    if (present(ex)) {
      if (!Array.isArray(ex)) {
        this.problem('invalid-ipblock', [...path, 'except'], 'except must be a list of CIDRs');
        ok = false;
      } else {
        ex.forEach((e: unknown, i: number) => {
          const ep = [...path, 'except', i];
          const pe = parseCidr(e);
          if (!pe) {
            this.problem('invalid-ipblock', ep, `${JSON.stringify(e)} is not a valid CIDR`);
            ok = false;
            return;
          }
          this.cidrWarnings(pe, String(e), ep, path, undefined);
          if (pe.family !== cidr.family || pe.start < cidr.start || pe.start > cidr.end || cidr.prefix >= pe.prefix) {
            this.problem('invalid-ipblock', ep, `except ${e} must be a strict subset of cidr ${String(c)}`);
          }
          except.push(pe);
        });
      }
    }
    if (!ok) return undefined;
    const allowed = subtract(
      [[cidr.start, cidr.end]],
      except.filter((e) => e.family === cidr.family).map((e) => [e.start, e.end] as Interval),
    );
    return { text: String(c), cidr, except, allowed };
  }

  cidrWarnings(p: ParsedCidr, text: string, path: Path, blockPath: Path, field: string | undefined): void {
    if (p.hostBitsSet || p.leadingZeros) {
      const what = p.hostBitsSet ? 'has bits set after the prefix length' : 'has leading zeros';
      const fix = field ? { target: blockPath, set: { [field]: p.canonical } } : undefined;
      this.problem(
        'invalid-ipblock',
        path,
        `CIDR ${text} ${what}; it is read as ${p.canonical} (API servers with StrictIPCIDRValidation reject it)`,
        'warning',
        fix,
      );
    }
  }

  peer(raw: unknown, index: number, path: Path): ParsedPeer {
    const out: ParsedPeer = { index, path, kind: 'invalid' };
    if (raw !== null && raw !== undefined && !isObject(raw)) {
      this.problem('invalid-peer', path, 'a peer must be an object with podSelector, namespaceSelector or ipBlock');
      return out;
    }
    const obj = isObject(raw) ? raw : {};
    this.unknownFields(obj, PEER_FIELDS, path, 'peer');
    const hasPod = present(obj.podSelector);
    const hasNs = present(obj.namespaceSelector);
    const hasIp = present(obj.ipBlock);
    if (hasPod) out.podSelector = compileSelector(obj.podSelector, [...path, 'podSelector'], this.problems);
    if (hasNs) out.namespaceSelector = compileSelector(obj.namespaceSelector, [...path, 'namespaceSelector'], this.problems);
    const block = hasIp ? this.ipBlock(obj.ipBlock, [...path, 'ipBlock']) : undefined;
    const n = Number(hasPod) + Number(hasNs) + Number(hasIp);
    if (n === 0) {
      this.problem(
        'invalid-peer',
        path,
        'must specify a peer: an empty peer is rejected by the API server (to match all pods in all namespaces use `namespaceSelector: {}`; to match all sources/destinations omit `from`/`to`)',
      );
      return out;
    }
    if (hasIp && n > 1) {
      this.problem('invalid-peer', path, 'may not specify both ipBlock and another peer (podSelector/namespaceSelector): use separate list entries');
      return out;
    }
    if (hasIp) {
      out.kind = 'ipBlock';
      out.ipBlock = block;
      return out;
    }
    out.kind = 'selector';
    return out;
  }

  rule(raw: unknown, index: number, path: Path, direction: Direction): ParsedRule {
    const peersKey = direction === 'ingress' ? 'from' : 'to';
    const rule: ParsedRule = { index, path, direction, peers: 'all', ports: 'all' };
    if (raw === null || raw === undefined) return rule; // null entry decodes as {}: allow all
    if (!isObject(raw)) {
      this.problem('invalid-field', path, `an ${direction} rule must be an object with \`${peersKey}\` and \`ports\``);
      return { ...rule, peers: [], ports: [] };
    }
    this.unknownFields(raw, direction === 'ingress' ? INGRESS_RULE_FIELDS : EGRESS_RULE_FIELDS, path, `${direction} rule`);
    const peers = raw[peersKey];
    if (present(peers)) {
      if (!Array.isArray(peers)) {
        this.problem('invalid-field', [...path, peersKey], `\`${peersKey}\` must be a list of peers`);
        rule.peers = [];
      } else if (peers.length > 0) {
        rule.peers = peers.map((p: unknown, i: number) => this.peer(p, i, [...path, peersKey, i]));
      }
    }
    const ports = raw.ports;
    if (present(ports)) {
      if (!Array.isArray(ports)) {
        this.problem('invalid-port', [...path, 'ports'], '`ports` must be a list');
        rule.ports = [];
      } else if (ports.length > 0) {
        rule.ports = ports.map((p: unknown, i: number) => this.port(p, i, [...path, 'ports', i]));
      }
    }
    return rule;
  }

  rules(raw: unknown, direction: Direction): { rules: ParsedRule[]; count: number } {
    if (!present(raw)) return { rules: [], count: 0 };
    if (!Array.isArray(raw)) {
      this.problem('invalid-field', ['spec', direction], `spec.${direction} must be a list of rules`);
      return { rules: [], count: 0 };
    }
    return { rules: raw.map((r: unknown, i: number) => this.rule(r, i, ['spec', direction, i], direction)), count: raw.length };
  }

  policy(obj: unknown): ParsedPolicy {
    const empty = (): ParsedPolicy => unreadablePolicy(this.problems);
    if (!isObject(obj)) {
      this.problem('invalid-field', [], 'a NetworkPolicy must be an object');
      return empty();
    }
    let spec: any = obj.spec;
    if (!present(spec)) spec = {};
    else if (!isObject(spec)) {
      this.problem('invalid-field', ['spec'], 'spec must be an object');
      return empty();
    }
    this.unknownFields(spec, SPEC_FIELDS, ['spec'], 'NetworkPolicy spec');
    const podSelector = present(spec.podSelector) ? compileSelector(spec.podSelector, ['spec', 'podSelector'], this.problems) : EMPTY_SELECTOR;

    const ing = this.rules(spec.ingress, 'ingress');
    const eg = this.rules(spec.egress, 'egress');

    // policyTypes (validation + SetDefaults_NetworkPolicy)
    const pt = spec.policyTypes;
    let explicitTypes = false;
    const types = { ingress: true, egress: eg.count > 0 };
    if (present(pt) && !Array.isArray(pt)) {
      this.problem('invalid-policy-type', ['spec', 'policyTypes'], 'policyTypes must be a list, e.g. [Ingress, Egress]', 'error', {
        target: ['spec'],
        set: { policyTypes: typeof pt === 'string' && (pt === 'Ingress' || pt === 'Egress') ? [pt] : ['Ingress', 'Egress'] },
      });
    } else if (Array.isArray(pt) && pt.length > 0) {
      explicitTypes = true;
      if (pt.length > 2) this.problem('invalid-policy-type', ['spec', 'policyTypes'], 'may not specify more than two policyTypes');
      pt.forEach((t: unknown, i: number) => {
        if (t !== 'Ingress' && t !== 'Egress') {
          const cap = typeof t === 'string' ? t.charAt(0).toUpperCase() + t.slice(1).toLowerCase() : '';
          const fix = cap === 'Ingress' || cap === 'Egress' ? { target: ['spec'], set: { policyTypes: pt.map((x: unknown) => (x === t ? cap : x)) } } : undefined;
          this.problem('invalid-policy-type', ['spec', 'policyTypes', i], `unsupported policy type ${JSON.stringify(t)}: must be "Ingress" or "Egress"`, 'error', fix);
        }
      });
      types.ingress = pt.includes('Ingress');
      types.egress = pt.includes('Egress');
    }

    const emptyEgressList = Array.isArray(spec.egress) && spec.egress.length === 0;
    return { podSelector, types, explicitTypes, emptyEgressList, ingress: ing.rules, egress: eg.rules, problems: this.problems };
  }
}

/** A policy that could not be read: its selector is invalid (it matches no pod) and it has no policy types. */
function unreadablePolicy(problems: PolicyProblem[]): ParsedPolicy {
  return {
    podSelector: { valid: false, requirements: [] },
    types: { ingress: false, egress: false },
    explicitTypes: false,
    emptyEgressList: false,
    ingress: [],
    egress: [],
    problems,
  };
}

/** Parse a NetworkPolicy object (not cached: objects may be mutated by callers). Never throws. */
export function parsePolicy(obj: unknown): ParsedPolicy {
  try {
    return new Parser().policy(obj);
  } catch (e) {
    // Defensive: exotic inputs (getters that throw, proxies...) must not break callers.
    return unreadablePolicy([{ code: 'invalid-field', severity: 'error', message: `could not read NetworkPolicy: ${String(e)}`, path: [] }]);
  }
}
