/**
 * RBAC model: Roles, ClusterRoles (with aggregation), bindings, ServiceAccounts and workloads' ServiceAccounts,
 * from untrusted plain objects (as parsed from YAML). Nothing here throws on wrong types.
 */
import { BUILTIN_CLUSTER_ROLES, BUILTIN_ROLES, isBuiltinServiceAccount, isKnownSystemClusterRoleName } from './builtin';
import {
  ALL_GRANTS,
  KNOWN_GROUPS,
  classifyRule,
  isHighRisk,
  isClusterScoped,
  isFullWildcard,
  normalizeRule,
  ruleAllows,
  ruleAllowsNonResource,
  wildcardFields,
  type ResourceRequest,
  type RiskHit,
} from './match';
import { compileStoredSelector, selectorMatches, type CompiledSelector } from '../selector';
import { formatSubject, identityKeys, isBroadSubject, normalizeKind, parseSubject, subjectKey } from './subjects';
import {
  RBAC,
  RISK_IDS,
  type AnalyzeOptions,
  type ChainStep,
  type GrantChain,
  type NormalizedRule,
  type Permission,
  type RbacFinding,
  type RbacModelOptions,
  type RbacRelated,
  type RbacSource,
  type RiskId,
  type SubjectRef,
  type WhoCanEntry,
  type WhoCanOptions,
  type WorkloadInfo,
} from './types';
import { arr, get, getIn, has, isObj, key2, labelsOf, name, str, type Path, type PlainObject } from './util';

interface Item {
  source: RbacSource;
  base: Path;
  obj: PlainObject;
}

interface RuleDef extends NormalizedRule {
  index: number;
  fields: Set<string>;
}

interface RoleDef {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  source?: RbacSource;
  base: Path;
  builtin: boolean;
  /** Recognised system role whose rules are not modelled. */
  rulesUnknown: boolean;
  labels: Map<string, string>;
  rules: RuleDef[];
  /** Present iff the ClusterRole has an aggregationRule (its own rules are then replaced by the aggregate). */
  selectors?: CompiledSelector[];
  order: number;
}

interface SubjectEntry {
  index: number;
  ref?: SubjectRef;
  key?: string;
  problem?: string;
}

interface BindingDef {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
  source: RbacSource;
  base: Path;
  hasRoleRef: boolean;
  roleRefKind?: string;
  roleRefName?: string;
  role?: RoleDef;
  roleProblem?: string;
  subjects: SubjectEntry[];
}

interface SaDef {
  name: string;
  namespace: string;
  source: RbacSource;
  base: Path;
  automount?: boolean;
}

interface EffRule {
  rule: RuleDef;
  holder: RoleDef;
  via: RoleDef[];
}

/** Where each workload kind keeps its pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, Path>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** Who a broad group is, or undefined when it is not one of the groups rbac-broad-subject looks at. */
export function broadGroupDescription(group: string): string | undefined {
  if (group === 'system:authenticated') return 'every authenticated user and ServiceAccount';
  if (group === 'system:unauthenticated') return 'every anonymous request';
  if (group === 'system:serviceaccounts') return 'every ServiceAccount of the cluster';
  const m = /^system:serviceaccounts:(.+)$/.exec(group);
  return m ? `every ServiceAccount of namespace ${m[1]}` : undefined;
}

function isRbacApi(obj: PlainObject): boolean {
  const v = get(obj, 'apiVersion');
  return typeof v !== 'string' || v.startsWith('rbac.authorization.k8s.io/') || v === 'rbac.authorization.k8s.io';
}

function ownProp<T>(rec: Readonly<Record<string, T>>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(rec, k) ? rec[k] : undefined;
}

function display(kind: string, n: string, ns?: string): string {
  return `${kind} ${ns ? `${ns}/` : ''}${n || '<unnamed>'}`;
}

/** "ClusterRoleBinding ci-admin → ClusterRole cluster-admin (built-in) → rules[0]" */
export function formatChain(chain: GrantChain): string {
  const step = (s: ChainStep) => `${display(s.kind, s.name, s.namespace)}${s.builtin ? ' (built-in)' : ''}`;
  let out = `${step(chain.binding)} → ${step(chain.role)}`;
  for (const v of chain.via) out += ` → aggregates ${step(v)}`;
  return `${out} → rules[${chain.rule.index}]`;
}

/** Yields the objects of a source, unwrapping `kind: *List` containers (paths then start with ['items', i]). */
export function flattenSource(source: RbacSource): Item[] {
  const obj = isObj(source) ? get(source, 'object') : undefined;
  if (!isObj(obj)) return [];
  const kind = str(get(obj, 'kind'));
  const items = get(obj, 'items');
  if (kind && kind.endsWith('List') && Array.isArray(items)) {
    const out: Item[] = [];
    items.forEach((it, i) => {
      if (isObj(it)) out.push({ source, base: ['items', i], obj: it });
    });
    return out;
  }
  return [{ source, base: [], obj }];
}

export class RbacModel {
  readonly defaultNamespace: string;
  private readonly roles = new Map<string, RoleDef>();
  private readonly clusterRoles = new Map<string, RoleDef>();
  private readonly clusterRoleList: RoleDef[] = [];
  private readonly labelIndex = new Map<string, RoleDef[]>();
  private readonly fileRoles: RoleDef[] = [];
  private readonly bindings: BindingDef[] = [];
  private readonly clusterBindings: BindingDef[] = [];
  private readonly roleBindingsByNs = new Map<string, BindingDef[]>();
  private readonly bindingsBySubject = new Map<string, { binding: BindingDef; entry: SubjectEntry }[]>();
  private readonly serviceAccounts = new Map<string, SaDef>();
  private readonly workloadItems: Item[] = [];
  private readonly effMemo = new Map<RoleDef, EffRule[]>();
  private readonly selectedMemo = new Map<RoleDef, RoleDef[]>();
  private readonly adminMemo = new Map<RoleDef, EffRule | null>();
  private readonly placeholders = new Map<string, RoleDef>();
  private readonly riskMemo = new Map<BindingDef, { eff: EffRule; admin: boolean; hits: RiskHit[] }[]>();
  private readonly saRiskMemo = new Map<string, { admin: Permission[]; byRisk: Map<RiskId, { p: Permission; hit: RiskHit }[]> }>();
  private readonly useBuiltins: boolean;
  private order = 0;

  constructor(objects: RbacSource[], options: RbacModelOptions = {}) {
    const opts = isObj(options) ? options : {};
    this.defaultNamespace = name(opts.defaultNamespace) ?? 'default';
    this.useBuiltins = opts.builtins !== false;
    for (const src of Array.isArray(objects) ? objects : []) {
      for (const item of flattenSource(src)) {
        try {
          this.ingest(item);
        } catch {
          // untrusted input: skip the object rather than fail the whole model
        }
      }
    }
    if (this.useBuiltins) {
      for (const obj of BUILTIN_CLUSTER_ROLES) {
        const n = name(get(get(obj, 'metadata'), 'name'));
        if (n && !this.clusterRoles.has(n)) this.registerClusterRole(this.roleDef({ source: undefined as never, base: [], obj }, 'ClusterRole', true));
      }
      for (const obj of BUILTIN_ROLES) {
        const role = this.roleDef({ source: undefined as never, base: [], obj }, 'Role', true);
        const k = key2(role.namespace!, role.name);
        if (!this.roles.has(k)) this.roles.set(k, role);
      }
    }
    for (const b of this.bindings) this.resolve(b);
  }

  // ------------------------------------------------------------------------------------------------ ingestion

  private ingest(item: Item): void {
    const kind = str(get(item.obj, 'kind'));
    if (!kind) return;
    switch (kind) {
      case 'Role':
      case 'ClusterRole': {
        if (!isRbacApi(item.obj)) return;
        const role = this.roleDef(item, kind, false);
        this.fileRoles.push(role);
        if (!role.name) return;
        if (kind === 'Role') {
          const k = key2(role.namespace!, role.name);
          if (!this.roles.has(k)) this.roles.set(k, role);
        } else if (!this.clusterRoles.has(role.name)) this.registerClusterRole(role);
        return;
      }
      case 'RoleBinding':
      case 'ClusterRoleBinding':
        if (isRbacApi(item.obj)) this.bindings.push(this.bindingDef(item, kind));
        return;
      case 'ServiceAccount': {
        const meta = get(item.obj, 'metadata');
        const n = name(get(meta, 'name'));
        if (!n) return;
        const ns = name(get(meta, 'namespace')) ?? this.defaultNamespace;
        const am = get(item.obj, 'automountServiceAccountToken');
        const k = key2(ns, n);
        if (!this.serviceAccounts.has(k))
          this.serviceAccounts.set(k, { name: n, namespace: ns, source: item.source, base: item.base, automount: typeof am === 'boolean' ? am : undefined });
        return;
      }
      default:
        if (ownProp(POD_SPEC_PATHS, kind)) this.workloadItems.push(item);
    }
  }

  private roleDef(item: Item, kind: 'Role' | 'ClusterRole', builtin: boolean): RoleDef {
    const meta = get(item.obj, 'metadata');
    const rules: RuleDef[] = [];
    arr(get(item.obj, 'rules')).forEach((r, index) => {
      rules.push({ ...normalizeRule(r), index, fields: new Set(isObj(r) ? Object.keys(r) : []) });
    });
    const role: RoleDef = {
      kind,
      name: name(get(meta, 'name')) ?? '',
      namespace: kind === 'Role' ? name(get(meta, 'namespace')) ?? this.defaultNamespace : undefined,
      source: builtin ? undefined : item.source,
      base: item.base,
      builtin,
      rulesUnknown: false,
      labels: labelsOf(meta),
      rules,
      order: this.order++,
    };
    const ar = get(item.obj, 'aggregationRule');
    if (kind === 'ClusterRole' && isObj(ar)) role.selectors = arr(get(ar, 'clusterRoleSelectors')).map(compileStoredSelector);
    return role;
  }

  private registerClusterRole(role: RoleDef): void {
    this.clusterRoles.set(role.name, role);
    this.clusterRoleList.push(role);
    for (const [k, v] of role.labels) {
      const lk = key2(k, v);
      const list = this.labelIndex.get(lk);
      if (list) list.push(role);
      else this.labelIndex.set(lk, [role]);
    }
  }

  private bindingDef(item: Item, kind: 'RoleBinding' | 'ClusterRoleBinding'): BindingDef {
    const meta = get(item.obj, 'metadata');
    const roleRef = get(item.obj, 'roleRef');
    const b: BindingDef = {
      kind,
      name: name(get(meta, 'name')) ?? '',
      namespace: kind === 'RoleBinding' ? name(get(meta, 'namespace')) ?? this.defaultNamespace : undefined,
      source: item.source,
      base: item.base,
      hasRoleRef: has(item.obj, 'roleRef'),
      roleRefKind: str(get(roleRef, 'kind')),
      roleRefName: name(get(roleRef, 'name')),
      subjects: [],
    };
    arr(get(item.obj, 'subjects')).forEach((s, index) => {
      const entry: SubjectEntry = { index };
      const k = normalizeKind(get(s, 'kind'));
      const n = name(get(s, 'name'));
      if (!k || !n) entry.problem = 'subject needs kind User, Group or ServiceAccount and a name';
      else if (k === 'ServiceAccount') {
        const ns = name(get(s, 'namespace')) ?? b.namespace;
        if (!ns) entry.problem = `ServiceAccount subject "${n}" has no namespace`;
        else entry.ref = { kind: k, name: n, namespace: ns };
      } else entry.ref = parseSubject({ kind: k, name: n });
      if (entry.ref) entry.key = subjectKey(entry.ref);
      b.subjects.push(entry);
    });
    return b;
  }

  private resolve(b: BindingDef): void {
    if (b.kind === 'ClusterRoleBinding') this.clusterBindings.push(b);
    else {
      const list = this.roleBindingsByNs.get(b.namespace!);
      if (list) list.push(b);
      else this.roleBindingsByNs.set(b.namespace!, [b]);
    }
    for (const entry of b.subjects) {
      if (!entry.key) continue;
      const list = this.bindingsBySubject.get(entry.key);
      if (list) list.push({ binding: b, entry });
      else this.bindingsBySubject.set(entry.key, [{ binding: b, entry }]);
    }
    const kind = (b.roleRefKind ?? '').toLowerCase();
    const rn = b.roleRefName;
    if (!b.hasRoleRef) b.roleProblem = 'has no roleRef';
    else if (!rn) b.roleProblem = 'roleRef has no name';
    else if (kind === 'role') {
      if (b.kind === 'ClusterRoleBinding') b.roleProblem = `references Role "${rn}", but a ClusterRoleBinding can only reference a ClusterRole`;
      else {
        b.role = this.roles.get(key2(b.namespace!, rn));
        if (!b.role) b.roleProblem = `references Role ${b.namespace}/${rn}, which is not defined in the analysed files`;
      }
    } else if (kind === 'clusterrole') {
      b.role = this.clusterRoles.get(rn) ?? this.placeholder(rn);
      if (!b.role) b.roleProblem = `references ClusterRole ${rn}, which is neither built-in nor defined in the analysed files`;
    } else b.roleProblem = `roleRef.kind must be Role or ClusterRole (got ${JSON.stringify(b.roleRefKind ?? null)})`;
  }

  private placeholder(n: string): RoleDef | undefined {
    if (!this.useBuiltins || !isKnownSystemClusterRoleName(n)) return undefined;
    let r = this.placeholders.get(n);
    if (!r) {
      r = { kind: 'ClusterRole', name: n, base: [], builtin: true, rulesUnknown: true, labels: new Map(), rules: [], order: this.order++ };
      this.placeholders.set(n, r);
    }
    return r;
  }

  // ------------------------------------------------------------------------------------------------ aggregation

  /** ClusterRoles selected by an aggregated role's clusterRoleSelectors (itself excluded), in definition order. */
  private selected(role: RoleDef): RoleDef[] {
    const memo = this.selectedMemo.get(role);
    if (memo) return memo;
    const seen = new Set<RoleDef>();
    for (const sel of role.selectors ?? []) {
      if (!sel.valid) continue;
      // Candidates from the label index: the fewest roles of one In requirement (matchLabels are one-value Ins).
      let candidates: RoleDef[] = this.clusterRoleList;
      for (const r of sel.requirements) {
        if (r.operator !== 'In') continue;
        const l = r.values.length === 1 ? (this.labelIndex.get(key2(r.key, r.values[0])) ?? []) : r.values.flatMap((v) => this.labelIndex.get(key2(r.key, v)) ?? []);
        if (l.length < candidates.length || candidates === this.clusterRoleList) candidates = l;
      }
      for (const c of candidates) if (c !== role && !seen.has(c) && selectorMatches(sel, c.labels)) seen.add(c);
    }
    const out = [...seen].sort((a, b) => a.order - b.order);
    this.selectedMemo.set(role, out);
    return out;
  }

  /** Effective rules of a role: its own, or for an aggregated ClusterRole the transitive union of the selected roles' rules. */
  private effective(role: RoleDef): EffRule[] {
    const memo = this.effMemo.get(role);
    if (memo) return memo;
    let out: EffRule[];
    if (!role.selectors) out = role.rules.map((rule) => ({ rule, holder: role, via: [] }));
    else {
      out = [];
      const seen = new Set<RoleDef>([role]);
      const queue: { r: RoleDef; via: RoleDef[] }[] = [];
      for (const s of this.selected(role)) {
        seen.add(s);
        queue.push({ r: s, via: [s] });
      }
      for (let qi = 0; qi < queue.length; qi++) {
        const { r, via } = queue[qi];
        if (r.selectors) {
          for (const s of this.selected(r))
            if (!seen.has(s)) {
              seen.add(s);
              queue.push({ r: s, via: [...via, s] });
            }
        } else for (const rule of r.rules) out.push({ rule, holder: r, via });
      }
    }
    this.effMemo.set(role, out);
    return out;
  }

  private adminEquivalent(role: RoleDef): EffRule | undefined {
    let m = this.adminMemo.get(role);
    if (m === undefined) {
      m = this.effective(role).find((e) => isFullWildcard(e.rule)) ?? null;
      this.adminMemo.set(role, m);
    }
    return m ?? undefined;
  }

  private lookupRole(kind: unknown, n: unknown, namespace?: unknown): RoleDef | undefined {
    const rn = name(n);
    if (!rn) return undefined;
    const k = typeof kind === 'string' ? kind.toLowerCase() : '';
    if (k === 'role') return this.roles.get(key2(name(namespace) ?? this.defaultNamespace, rn));
    if (k === 'clusterrole') return this.clusterRoles.get(rn) ?? this.placeholder(rn);
    return undefined;
  }

  // ------------------------------------------------------------------------------------------------ chains

  private step(r: RoleDef | BindingDef, path: Path): ChainStep {
    const s: ChainStep = { kind: r.kind, name: r.name, path, builtin: 'builtin' in r ? r.builtin : false };
    if (r.namespace !== undefined) s.namespace = r.namespace;
    if (r.source) s.source = r.source;
    return s;
  }

  private permission(b: BindingDef, entry: SubjectEntry, eff: EffRule): Permission | undefined {
    const r = eff.rule;
    const clusterWide = b.kind === 'ClusterRoleBinding';
    // RoleBindings never grant nonResourceURLs.
    if (!clusterWide && r.resources.length === 0) return undefined;
    const role = b.role!;
    const chain: GrantChain = {
      subject: entry.key!,
      binding: this.step(b, [...b.base, 'subjects', entry.index]),
      role: this.step(role, [...role.base]),
      via: eff.via.map((v) => this.step(v, [...v.base, 'metadata', 'labels'])),
      rule: { ...this.step(eff.holder, [...eff.holder.base, 'rules', r.index]), index: r.index },
    };
    const p: Permission = {
      apiGroups: [...r.apiGroups],
      resources: [...r.resources],
      resourceNames: [...r.resourceNames],
      verbs: [...r.verbs],
      nonResourceURLs: clusterWide ? [...r.nonResourceURLs] : [],
      clusterWide,
      chain,
    };
    if (!clusterWide) p.namespace = b.namespace;
    return p;
  }

  // ------------------------------------------------------------------------------------------------ queries

  /**
   * The effective permission table of a subject ("serviceaccount:ns:name", "system:serviceaccount:ns:name", "user:alice",
   * "group:devs" or a SubjectRef), including grants to its implicit groups. Cluster-wide rows first. [] when unparseable.
   */
  permissions(subject: unknown): Permission[] {
    const ref = parseSubject(subject);
    if (!ref) return [];
    const out: Permission[] = [];
    for (const key of identityKeys(ref)) {
      for (const { binding, entry } of this.bindingsBySubject.get(key) ?? []) {
        if (!binding.role) continue;
        for (const eff of this.effective(binding.role)) {
          const p = this.permission(binding, entry, eff);
          if (p) out.push(p);
        }
      }
    }
    return out
      .map((p, i) => ({ p, i }))
      .sort((a, b) => {
        if (a.p.clusterWide !== b.p.clusterWide) return a.p.clusterWide ? -1 : 1;
        const an = a.p.namespace ?? '';
        const bn = b.p.namespace ?? '';
        return an < bn ? -1 : an > bn ? 1 : a.i - b.i;
      })
      .map((x) => x.p);
  }

  private request(verb: unknown, resource: unknown, opts: WhoCanOptions): { url?: string; req?: ResourceRequest } | undefined {
    if (typeof verb !== 'string' || !verb || typeof resource !== 'string' || !resource) return undefined;
    if (resource.startsWith('/')) return { url: resource };
    let res = resource;
    let sub = str(opts.subresource);
    const slash = res.indexOf('/');
    if (slash >= 0) {
      sub = sub ?? res.slice(slash + 1);
      res = res.slice(0, slash);
    }
    let group = str(opts.apiGroup);
    const dot = res.indexOf('.');
    if (group === undefined && dot > 0) {
      group = res.slice(dot + 1);
      res = res.slice(0, dot);
    }
    if (group === undefined) group = ownProp(KNOWN_GROUPS, res);
    return {
      req: {
        verb,
        apiGroup: group,
        resource: res,
        subresource: sub || undefined,
        resourceName: str(opts.resourceName),
        anyResourceName: opts.anyResourceName === true,
      },
    };
  }

  /** Grants (with chains) letting `subject` do `verb` on `resource`; empty = denied. Same options as whoCan(). */
  can(subject: unknown, verb: string, resource: string, opts: WhoCanOptions = {}): Permission[] {
    const o = isObj(opts) ? opts : {};
    const r = this.request(verb, resource, o);
    if (!r) return [];
    const ns = str(o.namespace);
    return this.permissions(subject).filter((p) => {
      if (r.url !== undefined) return p.clusterWide && ruleAllowsNonResource(p, verb, r.url);
      if (!p.clusterWide && ((ns !== '*' && p.namespace !== ns) || isClusterScoped(r.req!.apiGroup, r.req!.resource))) return false;
      return ruleAllows(p, r.req!);
    });
  }

  /**
   * Subjects (as written in bindings — users, groups, ServiceAccounts) allowed to do `verb` on `resource`.
   * resource: "pods", "pods/exec", "deployments.apps", or a non-resource URL "/metrics".
   * Scope: see WhoCanOptions.namespace. Sorted by subject key.
   */
  whoCan(verb: string, resource: string, opts: WhoCanOptions = {}): WhoCanEntry[] {
    const o = isObj(opts) ? opts : {};
    const r = this.request(verb, resource, o);
    if (!r) return [];
    const ns = str(o.namespace);
    let candidates: BindingDef[] = this.clusterBindings;
    if (r.url === undefined && ns !== undefined) {
      if (ns === '*') candidates = this.bindings;
      else candidates = [...this.clusterBindings, ...(this.roleBindingsByNs.get(ns) ?? [])];
    }
    const byKey = new Map<string, WhoCanEntry>();
    const clusterScoped = r.req !== undefined && isClusterScoped(r.req.apiGroup, r.req.resource);
    for (const b of candidates) {
      if (!b.role || (clusterScoped && b.kind === 'RoleBinding')) continue;
      const effs = this.effective(b.role).filter((e) =>
        r.url !== undefined ? ruleAllowsNonResource(e.rule, verb, r.url) : ruleAllows(e.rule, r.req!),
      );
      if (!effs.length) continue;
      for (const entry of b.subjects) {
        if (!entry.key || !entry.ref) continue;
        let we = byKey.get(entry.key);
        if (!we) byKey.set(entry.key, (we = { subject: entry.key, ref: { ...entry.ref }, grants: [] }));
        for (const e of effs) {
          const p = this.permission(b, entry, e);
          if (p) we.grants.push(p);
        }
      }
    }
    return [...byKey.values()].filter((e) => e.grants.length).sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  }

  /** Effective rules of a role (aggregation resolved), each with the role holding it. Undefined when not found. */
  effectiveRules(kind: 'Role' | 'ClusterRole', roleName: string, namespace?: string):
    | { rule: NormalizedRule; holder: ChainStep; via: ChainStep[] }[]
    | undefined {
    const role = this.lookupRole(kind, roleName, namespace);
    if (!role) return undefined;
    return this.effective(role).map((e) => ({
      rule: { apiGroups: [...e.rule.apiGroups], resources: [...e.rule.resources], resourceNames: [...e.rule.resourceNames], verbs: [...e.rule.verbs], nonResourceURLs: [...e.rule.nonResourceURLs] },
      holder: this.step(e.holder, [...e.holder.base, 'rules', e.rule.index]),
      via: e.via.map((v) => this.step(v, [...v.base, 'metadata', 'labels'])),
    }));
  }

  /**
   * Who gets a rule of a Role/ClusterRole given among the sources (`source` as passed in, `path` of the rule, e.g.
   * ['rules', 0] or ['items', 2, 'rules', 0]): one Permission per (binding, subject), also through ClusterRoles that
   * aggregate it. Subjects as written in the bindings (groups not expanded). Cluster-wide grants first.
   */
  grantsOfRule(source: RbacSource, rulePath: Path): Permission[] {
    if (!Array.isArray(rulePath)) return [];
    const i = rulePath.lastIndexOf('rules');
    const index = rulePath[i + 1];
    if (i < 0 || typeof index !== 'number') return [];
    const base = rulePath.slice(0, i);
    const role = this.fileRoles.find((r) => r.source === source && r.base.length === base.length && r.base.every((x, k) => x === base[k]));
    if (!role) return [];
    const out: Permission[] = [];
    for (const b of this.bindings) {
      if (!b.role) continue;
      for (const eff of this.effective(b.role)) {
        if (eff.holder !== role || eff.rule.index !== index) continue;
        for (const entry of b.subjects) {
          if (!entry.key || !entry.ref) continue;
          const p = this.permission(b, entry, eff);
          if (p) out.push(p);
        }
      }
    }
    return out.sort((a, b) => (a.clusterWide === b.clusterWide ? 0 : a.clusterWide ? -1 : 1));
  }

  /** Every subject named in a binding plus every ServiceAccount defined in the sources, sorted by key. */
  subjects(): SubjectRef[] {
    const m = new Map<string, SubjectRef>();
    for (const b of this.bindings) for (const e of b.subjects) if (e.ref && e.key) m.set(e.key, { ...e.ref });
    for (const sa of this.serviceAccounts.values()) {
      const ref: SubjectRef = { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace };
      m.set(subjectKey(ref), ref);
    }
    return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  }

  // ------------------------------------------------------------------------------------------------ workloads

  /** Where a workload item's pod spec is and which ServiceAccount it runs as (undefined for non-workloads). */
  private workloadSubject(item: Item) {
    const kind = str(get(item.obj, 'kind'));
    const psPath = kind ? ownProp(POD_SPEC_PATHS, kind) : undefined;
    if (!kind || !psPath) return undefined;
    const meta = get(item.obj, 'metadata');
    const namespace = name(get(meta, 'namespace')) ?? this.defaultNamespace;
    const ps = getIn(item.obj, psPath);
    const san = name(get(ps, 'serviceAccountName'));
    const dep = name(get(ps, 'serviceAccount'));
    const saName = san ?? dep ?? 'default';
    const sa: SubjectRef = { kind: 'ServiceAccount', name: saName, namespace };
    return { kind, psPath, meta, ps, san, dep, namespace, saName, sa };
  }

  private workloadInfoOf(item: Item): WorkloadInfo | undefined {
    const subject = this.workloadSubject(item);
    if (!subject) return undefined;
    const { kind, psPath, meta, ps, san, dep, namespace, saName } = subject;
    let existing = psPath.length;
    while (existing > 0 && !isObj(getIn(item.obj, psPath.slice(0, existing)))) existing--;
    const specPath = [...item.base, ...psPath.slice(0, existing)];
    const serviceAccountPath = san ? [...item.base, ...psPath, 'serviceAccountName'] : dep ? [...item.base, ...psPath, 'serviceAccount'] : specPath;
    const sa = this.serviceAccounts.get(key2(namespace, saName));
    const podAm = get(ps, 'automountServiceAccountToken');
    let automountToken = true;
    let automountSource: WorkloadInfo['automountSource'] = 'default';
    if (typeof podAm === 'boolean') {
      automountToken = podAm;
      automountSource = 'pod';
    } else if (sa && sa.automount !== undefined) {
      automountToken = sa.automount;
      automountSource = 'serviceaccount';
    }
    const projectedToken = arr(get(ps, 'volumes')).some((v) => arr(getIn(v, ['projected', 'sources'])).some((s) => isObj(get(s, 'serviceAccountToken'))));
    const info: WorkloadInfo = {
      kind,
      name: name(get(meta, 'name')) ?? '',
      namespace,
      podSpecPath: [...item.base, ...psPath],
      serviceAccountName: saName,
      serviceAccountPath,
      serviceAccountExplicit: !!(san ?? dep),
      automountToken,
      automountSource,
      projectedToken,
    };
    if (sa) info.serviceAccount = { source: sa.source, path: [...sa.base] };
    return info;
  }

  /** ServiceAccount / token facts of a workload (the first workload in a List). Undefined for non-workloads. */
  workloadInfo(workload: RbacSource): WorkloadInfo | undefined {
    for (const item of flattenSource(workload)) {
      const info = this.workloadInfoOf(item);
      if (info) return info;
    }
    return undefined;
  }

  /**
   * rbac-workload-high-risk (info) findings for a workload: one per high-risk permission held by its ServiceAccount
   * (or a single one when the ServiceAccount is cluster-admin equivalent). None when no token is mounted
   * (automount disabled and no projected serviceAccountToken volume).
   */
  workloadFindings(workload: RbacSource): RbacFinding[] {
    const out: RbacFinding[] = [];
    for (const item of flattenSource(workload)) {
      try {
        const info = this.workloadInfoOf(item);
        if (info) this.workloadItemFindings(item, info, out);
      } catch {
        // never throw on untrusted input
      }
    }
    return out;
  }

  /** High-risk effective rules of a binding (computed once per binding). */
  private riskyRules(b: BindingDef): { eff: EffRule; admin: boolean; hits: RiskHit[] }[] {
    let m = this.riskMemo.get(b);
    if (!m) {
      m = [];
      if (b.role) {
        const where = b.kind === 'RoleBinding' ? [b.namespace ?? this.defaultNamespace] : false;
        for (const eff of this.effective(b.role)) {
          if (eff.rule.resources.length === 0) continue;
          const admin = isFullWildcard(eff.rule);
          const hits = admin ? [] : classifyRule(eff.rule, where).filter((h) => isHighRisk(h.id));
          if (admin || hits.length) m.push({ eff, admin, hits });
        }
      }
      this.riskMemo.set(b, m);
    }
    return m;
  }

  /** High-risk grants of a ServiceAccount, grouped (memoised per ServiceAccount; cluster-wide grants first). */
  private saRisks(sa: SubjectRef): { admin: Permission[]; byRisk: Map<RiskId, { p: Permission; hit: RiskHit }[]> } {
    const key = subjectKey(sa);
    let r = this.saRiskMemo.get(key);
    if (r) return r;
    const admin: Permission[] = [];
    const byRisk = new Map<RiskId, { p: Permission; hit: RiskHit }[]>();
    const entries: { binding: BindingDef; entry: SubjectEntry }[] = [];
    for (const k of identityKeys(sa)) for (const e of this.bindingsBySubject.get(k) ?? []) entries.push(e);
    entries.sort((x, y) => (x.binding.kind === y.binding.kind ? 0 : x.binding.kind === 'ClusterRoleBinding' ? -1 : 1));
    for (const { binding, entry } of entries) {
      for (const rr of this.riskyRules(binding)) {
        const p = this.permission(binding, entry, rr.eff);
        if (!p) continue;
        if (rr.admin) admin.push(p);
        for (const hit of rr.hits) {
          const l = byRisk.get(hit.id);
          if (l) l.push({ p, hit });
          else byRisk.set(hit.id, [{ p, hit }]);
        }
      }
    }
    r = { admin, byRisk };
    this.saRiskMemo.set(key, r);
    return r;
  }

  private workloadItemFindings(item: Item, info: WorkloadInfo, out: RbacFinding[]): void {
    if (!info.automountToken && !info.projectedToken) return;
    const sa: SubjectRef = { kind: 'ServiceAccount', name: info.serviceAccountName, namespace: info.namespace };
    const { admin, byRisk } = this.saRisks(sa);
    if (!admin.length && !byRisk.size) return; // nothing to report: no messages built
    const who = `${display(info.kind, info.name, info.namespace)} runs as ${formatSubject(sa)}`;
    const scope = (p: Permission) => (p.clusterWide ? 'cluster-wide' : `in namespace ${p.namespace}`);
    const saKey = subjectKey(sa);
    const member = (c: GrantChain) => {
      const g = c.subject === saKey ? undefined : parseSubject(c.subject);
      return g ? ` (as member of ${formatSubject(g)})` : '';
    };
    const emit = (risk: RiskId | 'cluster-admin', what: string, why: string, perms: Permission[]) => {
      const first = perms[0];
      const more = perms.length > 1 ? ` (+${perms.length - 1} more grant${perms.length > 2 ? 's' : ''})` : '';
      const related: RbacRelated[] = [];
      for (const p of perms.slice(0, 5)) {
        const c = p.chain;
        if (c.binding.source) related.push({ object: c.binding.source, path: c.binding.path, message: `${display(c.binding.kind, c.binding.name, c.binding.namespace)} binds ${c.subject}` });
        if (c.rule.source) related.push({ object: c.rule.source, path: c.rule.path, message: `${display(c.rule.kind, c.rule.name, c.rule.namespace)} rules[${c.rule.index}]` });
      }
      const f: RbacFinding = {
        rule: RBAC.workloadHighRisk.id,
        severity: 'info',
        message: `${who}, which ${what} ${scope(first)} via ${formatChain(first.chain)}${member(first.chain)}${more}${why ? ` — ${why}` : ''}.`,
        object: item.source,
        path: info.serviceAccountPath,
        data: { risk, serviceAccount: subjectKey(sa), chains: perms.map((p) => p.chain) },
      };
      if (related.length) f.related = related;
      out.push(f);
    };
    if (admin.length) {
      emit('cluster-admin', 'has full (`*` on `*`) access', 'equivalent to cluster-admin', admin);
      return;
    }
    for (const id of RISK_IDS) {
      const l = byRisk.get(id);
      if (l) emit(id, l[0].hit.text, l[0].hit.why, l.map((x) => x.p));
    }
  }

  // ------------------------------------------------------------------------------------------------ analysis

  /** Findings on Roles/ClusterRoles (per rule) and bindings; with includeWorkloads also every workload's findings. */
  analyze(options: AnalyzeOptions = {}): RbacFinding[] {
    const out: RbacFinding[] = [];
    for (const role of this.fileRoles) {
      try {
        this.roleFindings(role, out);
      } catch {
        /* never throw */
      }
    }
    for (const b of this.bindings) {
      try {
        this.bindingFindings(b, out);
      } catch {
        /* never throw */
      }
    }
    if (isObj(options) && options.includeWorkloads) {
      for (const item of this.workloadItems) {
        // Most workloads run as a ServiceAccount with no high-risk grant: skip those before building their info.
        const subject = this.workloadSubject(item);
        if (!subject) continue;
        const { admin, byRisk } = this.saRisks(subject.sa);
        if (!admin.length && !byRisk.size) continue;
        const info = this.workloadInfoOf(item);
        if (info) this.workloadItemFindings(item, info, out);
      }
    }
    return out;
  }

  /** Per role: the bindings that reference it (built once per model). */
  private bindingsByRole: Map<RoleDef, BindingDef[]> | undefined;
  /** ClusterRoles an aggregating ClusterRole selects (they may reach a ClusterRoleBinding through it). */
  private aggregated: Set<RoleDef> | undefined;

  /**
   * The namespaces a ClusterRole is granted in when it is bound, and only bound, by RoleBindings (and not
   * aggregated into another role): it then never grants cluster-scoped resources (nodes, CSRs, webhooks).
   * Undefined when it may be granted cluster-wide, or is not bound at all ("wherever it is bound").
   */
  private roleBindingNamespacesOnly(role: RoleDef): string[] | undefined {
    if (role.kind !== 'ClusterRole') return undefined;
    if (!this.bindingsByRole) {
      this.bindingsByRole = new Map();
      for (const b of this.bindings) {
        if (!b.role) continue;
        const l = this.bindingsByRole.get(b.role);
        if (l) l.push(b);
        else this.bindingsByRole.set(b.role, [b]);
      }
      this.aggregated = new Set();
      for (const r of this.clusterRoles.values()) if (r.selectors) for (const sel of this.selected(r)) this.aggregated.add(sel);
    }
    const bs = this.bindingsByRole.get(role);
    if (!bs?.length || this.aggregated!.has(role) || bs.some((b) => b.kind !== 'RoleBinding')) return undefined;
    return [...new Set(bs.map((b) => b.namespace ?? this.defaultNamespace))].sort();
  }

  private roleFindings(role: RoleDef, out: RbacFinding[]): void {
    const src = role.source!;
    const who = display(role.kind, role.name, role.namespace);
    const rbOnly = this.roleBindingNamespacesOnly(role);
    const scope =
      role.kind === 'Role'
        ? `in namespace ${role.namespace}`
        : rbOnly
          ? `in namespace${rbOnly.length === 1 ? '' : 's'} ${rbOnly.join(', ')}, where RoleBindings grant it`
          : 'wherever it is bound';
    const namespacedOnly = role.kind === 'Role' || rbOnly !== undefined;
    const where = role.kind === 'Role' ? [role.namespace ?? this.defaultNamespace] : (rbOnly ?? false);
    // An aggregated ClusterRole holds exactly the union of the roles it selects: the controller overwrites its own rules.
    if (role.selectors) return;
    // A risk that takes all its grants (approving a CSR takes both update on certificatesigningrequests/approval and
    // approve on a signer): a role holding only some of them has none, so none of its rules is reported.
    const held = new Map<string, Set<number>>();
    // Each rule classified once (classifyRule is pure; the loops below only read its hits).
    const classified = role.rules.map((rule) => classifyRule(rule, where));
    for (const hits of classified)
      for (const hit of hits) {
        if (!ALL_GRANTS.has(hit.id)) continue;
        let set = held.get(hit.id);
        if (!set) held.set(hit.id, (set = new Set()));
        for (const g of hit.grants) set.add(g);
      }
    for (let r = 0; r < role.rules.length; r++) {
      const rule = role.rules[r];
      const rp = [...role.base, 'rules', rule.index];
      const at = (field: string): Path => (rule.fields.has(field) ? [...rp, field] : rp);
      const wf = wildcardFields(rule);
      if (isFullWildcard(rule)) {
        // One finding: every other risk is implied.
        const implied = classified[r].filter((h) => isHighRisk(h.id));
        out.push({
          rule: RBAC.wildcard.id,
          severity: 'warning',
          message: `${who} rules[${rule.index}] allows every verb on every resource in every API group (\`*\`/\`*\`/\`*\`) ${scope} — equivalent to cluster-admin${
            namespacedOnly ? ` in the namespace${rbOnly && rbOnly.length > 1 ? 's' : ''}` : ''
          }: it can ${implied.map((h) => h.text.replace(/^can /, '')).join('; ')}, and use every future resource; list what is needed explicitly.`,
          object: src,
          path: at(wf[0]),
          data: { ruleIndex: rule.index, fields: wf, clusterAdminEquivalent: true, implies: implied.map((h) => h.id), requests: implied.flatMap((h) => h.requests) },
          ...(wf.length > 1 ? { related: wf.slice(1).map((x) => ({ object: src, path: at(x), message: `wildcard in ${x}` })) } : {}),
        });
        continue;
      }
      if (wf.length) {
        const f: RbacFinding = {
          rule: RBAC.wildcard.id,
          severity: 'warning',
          message: `${who} rules[${rule.index}] uses a wildcard in ${wf.join(', ')}: it grants every present and future ${wf
            .map((x) =>
              x === 'apiGroups'
                ? 'API group'
                : x === 'nonResourceURLs'
                  ? 'non-resource URL'
                  : x === 'resources' && !rule.resources.includes('*')
                    ? rule.resources.filter((r) => r.startsWith('*/')).map((r) => `${r.slice(2)} subresource of any resource`).join(', ')
                    : x.slice(0, -1),
            )
            .join(', ')}; list them explicitly.`,
          object: src,
          path: at(wf[0]),
          data: { ruleIndex: rule.index, fields: wf },
        };
        if (wf.length > 1) f.related = wf.slice(1).map((x) => ({ object: src, path: at(x), message: `wildcard in ${x}` }));
        out.push(f);
      }
      for (const hit of classified[r]) {
        if (ALL_GRANTS.has(hit.id) && held.get(hit.id)!.size < ALL_GRANTS.get(hit.id)!) continue;
        out.push({
          rule: hit.id,
          severity: 'warning',
          message: `${who} rules[${rule.index}] ${hit.text} (${scope}): ${hit.why}.`,
          object: src,
          path: at(hit.field),
          data: { ruleIndex: rule.index, verbs: hit.verbs, resources: hit.resources, ...(rule.resourceNames.length ? { resourceNames: [...rule.resourceNames] } : {}), requests: hit.requests },
        });
      }
    }
  }

  private bindingFindings(b: BindingDef, out: RbacFinding[]): void {
    const who = display(b.kind, b.name, b.namespace);
    const roleRefPath = b.hasRoleRef ? [...b.base, 'roleRef'] : [...b.base];
    if (b.roleProblem) {
      out.push({ rule: RBAC.danglingBinding.id, severity: 'info', message: `${who} ${b.roleProblem}.`, object: b.source, path: roleRefPath, data: { target: 'roleRef' } });
    }
    for (const e of b.subjects) {
      const sp = [...b.base, 'subjects', e.index];
      if (e.problem && /namespace/.test(e.problem)) {
        out.push({ rule: RBAC.danglingBinding.id, severity: 'info', message: `${who}: ${e.problem}.`, object: b.source, path: sp, data: { target: 'subject' } });
        continue;
      }
      const ref = e.ref;
      if (!ref || ref.kind !== 'ServiceAccount') continue;
      if (ref.name === 'default') {
        out.push({
          rule: RBAC.defaultSaBound.id,
          severity: 'warning',
          message: `${who} grants ${b.roleRefName ? `${b.roleRefKind ?? 'role'} ${b.roleRefName}` : 'its role'} to ServiceAccount ${ref.namespace}/default — every pod in ${ref.namespace} that does not set serviceAccountName gets these permissions; use a dedicated ServiceAccount.`,
          object: b.source,
          path: sp,
          data: { serviceAccount: e.key },
        });
      } else if (!this.serviceAccounts.has(key2(ref.namespace!, ref.name)) && !(this.useBuiltins && isBuiltinServiceAccount(ref.namespace!, ref.name))) {
        out.push({
          rule: RBAC.danglingBinding.id,
          severity: 'info',
          message: `${who} binds ServiceAccount ${ref.namespace}/${ref.name}, which is not defined in the analysed files.`,
          object: b.source,
          path: sp,
          data: { target: 'subject', serviceAccount: e.key },
        });
      }
    }
    if (!b.role) return;
    const adminRule = this.adminEquivalent(b.role);
    if (!adminRule) {
      this.broadSubjectFinding(b, who, roleRefPath, out);
      return;
    }
    const broad = b.subjects.filter((e) => e.ref && (e.ref.kind === 'ServiceAccount' || isBroadSubject(e.ref)));
    if (!broad.length) return;
    const roleDesc =
      b.role.name === 'cluster-admin' && b.role.builtin ? 'cluster-admin' : `${display(b.role.kind, b.role.name, b.role.namespace)} (equivalent to cluster-admin: \`*\` on \`*\`)`;
    const scope = b.kind === 'ClusterRoleBinding' ? 'full control of the cluster' : `full control of namespace ${b.namespace}`;
    const related: RbacRelated[] = broad.map((e) => ({ object: b.source, path: [...b.base, 'subjects', e.index], message: `bound to ${formatSubject(e.ref!)}` }));
    if (adminRule.holder.source)
      related.push({ object: adminRule.holder.source, path: [...adminRule.holder.base, 'rules', adminRule.rule.index], message: 'wildcard rule' });
    out.push({
      rule: RBAC.clusterAdminBinding.id,
      severity: 'error',
      message: `${who} grants ${roleDesc} — ${scope} — to ${broad.map((e) => formatSubject(e.ref!)).join(', ')}.`,
      object: b.source,
      path: roleRefPath,
      related,
      data: { subjects: broad.map((e) => e.key), role: b.role.name },
    });
  }

  /** rbac-broad-subject: a role holding a high-risk permission given to everyone of a broad group (not cluster-admin: see above). */
  private broadSubjectFinding(b: BindingDef, who: string, roleRefPath: Path, out: RbacFinding[]): void {
    const groups = b.subjects.filter((e) => e.ref?.kind === 'Group' && broadGroupDescription(e.ref.name));
    if (!groups.length) return;
    const risky = this.riskyRules(b).filter((r) => r.hits.length);
    if (!risky.length) return;
    const role = b.role!;
    const hits = risky.flatMap((r) => r.hits);
    // One phrase per risk, merging the rules that hold it (edit holds create on pods, on apps and on batch resources …).
    const texts: string[] = [];
    for (const id of RISK_IDS) {
      const same = hits.filter((h) => h.id === id);
      const distinct = [...new Set(same.map((h) => h.text))];
      if (distinct.length === 1) texts.push(distinct[0]);
      else if (distinct.length > 1) {
        const uniq = (l: string[]) => [...new Set(l)];
        texts.push(`can ${uniq(same.flatMap((h) => h.verbs)).join('/')} ${uniq(same.flatMap((h) => h.resources)).join(', ')}`);
      }
    }
    const scope = b.kind === 'ClusterRoleBinding' ? 'cluster-wide' : `in namespace ${b.namespace}`;
    const related: RbacRelated[] = groups.map((e) => ({ object: b.source, path: [...b.base, 'subjects', e.index], message: `bound to ${formatSubject(e.ref!)}` }));
    for (const r of risky.slice(0, 5)) {
      const h = r.eff.holder;
      if (h.source) related.push({ object: h.source, path: [...h.base, 'rules', r.eff.rule.index], message: `${display(h.kind, h.name, h.namespace)} rules[${r.eff.rule.index}] ${r.hits.map((x) => x.text).join('; ')}` });
    }
    out.push({
      rule: RBAC.broadSubject.id,
      severity: 'error',
      message: `${who} gives ${display(role.kind, role.name, role.namespace)}${role.builtin ? ' (built-in)' : ''} to ${groups
        .map((e) => `${formatSubject(e.ref!)} (${broadGroupDescription(e.ref!.name)})`)
        .join(', ')}: it can ${texts.map((x) => x.replace(/^can /, '')).join('; ')} ${scope}.`,
      object: b.source,
      path: roleRefPath,
      related,
      data: { subjects: groups.map((e) => e.key), role: role.name, risks: [...new Set(hits.map((h) => h.id))], requests: hits.flatMap((h) => h.requests) },
    });
  }
}
