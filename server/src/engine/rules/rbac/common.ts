/**
 * Shared pieces of the RBAC rules: the workspace's RbacModel (built once per
 * WorkspaceIndex version, findings computed once and handed out per resource),
 * related-information mapping and the fixes.
 */
import { Resource, Severity } from '../../model';
import { appendTo, editSequence, removeItem, removeKey, replaceScalar, setIn, YamlValue } from '../../fix/edits';
import { applyEdits, diffEdit } from '../../fix/text-edits';
import { yamlString } from '../../yaml/quote';
import type { WorkspaceIndex } from '../../workspace';
import { memoKey, resourceKey, sameResource, SnapshotContext } from '../../memo';
import {
  POD_SPEC_PATHS,
  RbacModel,
  leastPrivilegeSkeleton,
  readOnlyVerbsFix,
  READ_ONLY_VERBS,
  type ChainStep,
  type RbacFinding,
  type RbacRelated,
  RBAC,
  type RbacSource,
} from '../../rbac';
import { Fix, RelatedInfo, Rule, RuleContext, TextEdit, defineRule } from '../types';
import { isRiskRow, type RbacFixKind, type RbacRow } from './table';

export const RBAC_DOCS = 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/';
export const RBAC_GOOD_PRACTICES = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';

/** Kinds the model looks at (everything else is irrelevant to RBAC). */
export const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', ...Object.keys(POD_SPEC_PATHS)]);

const ROLE_KINDS: ReadonlySet<string> = new Set(['Role', 'ClusterRole']);
const BINDING_KINDS: ReadonlySet<string> = new Set(['RoleBinding', 'ClusterRoleBinding']);
const WORKLOAD_KINDS: ReadonlySet<string> = new Set(Object.keys(POD_SPEC_PATHS));

/**
 * The kinds a row's findings are on (RbacModel.analyze): the wildcard and risk rows on the Role or ClusterRole
 * holding the rule, the binding rows on the binding, rbac-workload-high-risk on the workload; any other row on
 * any kind the model reads. (Most resources are workloads: the role and binding rows need not look at them.)
 */
function rowKinds(row: RbacRow): ReadonlySet<string> {
  if (row.id === RBAC.wildcard.id || isRiskRow(row)) return ROLE_KINDS;
  if (row.id === RBAC.danglingBinding.id || row.id === RBAC.defaultSaBound.id || row.id === RBAC.clusterAdminBinding.id || row.id === RBAC.broadSubject.id) return BINDING_KINDS;
  if (row.id === RBAC.workloadHighRisk.id) return WORKLOAD_KINDS;
  return RBAC_KINDS;
}

export interface RbacWorkspace {
  readonly model: RbacModel;
  /** The RbacSource of a resource (its `ref` is the Resource). */
  source(res: Resource): RbacSource | undefined;
  /** The model's findings (analyze with workloads) on a resource. */
  findings(res: Resource): readonly RbacFinding[];
}

const NO_FINDINGS: readonly RbacFinding[] = Object.freeze([]);
const RBAC_MODEL = memoKey<RbacWorkspace>('rbac model');

/** The workspace's RBAC model, built once per snapshot (see engine/memo.ts). */
export function rbacWorkspace(ctx: Pick<SnapshotContext, 'workspace' | 'memo'>): RbacWorkspace {
  return ctx.memo.get(RBAC_MODEL, buildRbacWorkspace, ctx.workspace);
}

function buildRbacWorkspace(ws: WorkspaceIndex): RbacWorkspace {
  // By resourceKey: the model outlives the Resources of an edited file while the facts stay (engine/memo.ts).
  const sources = new Map<string, RbacSource>();
  const installs = installNamespaces(ws);
  for (const f of ws.allFiles()) {
    if (f.skipped) continue;
    const ns = installs.get(f);
    for (const r of f.resources) if (RBAC_KINDS.has(r.kind)) sources.set(resourceKey(r), { object: ns ? placedIn(r, ns) : r.object, ref: r });
  }
  const model = new RbacModel([...sources.values()], { defaultNamespace: 'default' });
  let byResource: Map<string, RbacFinding[]> | undefined;
  const rw: RbacWorkspace = {
    model,
    source: (res) => sources.get(resourceKey(res)),
    findings(res) {
      if (!byResource) {
        byResource = new Map();
        for (const f of model.analyze({ includeWorkloads: true })) {
          const r = resourceKey(f.object.ref as Resource);
          const l = byResource.get(r);
          if (l) l.push(f);
          else byResource.set(r, [f]);
        }
      }
      return byResource.get(resourceKey(res)) ?? NO_FINDINGS;
    },
  };
  return rw;
}

// ------------------------------------------------------------------------------------------------ namespace-less installs

/** Namespaced kinds the RBAC model places in a namespace (Roles, RoleBindings, ServiceAccounts, workloads). */
const PLACED_KINDS = new Set(['Role', 'RoleBinding', 'ServiceAccount', ...Object.keys(POD_SPEC_PATHS)]);

const isNamespaceLess = (r: Resource) => r.declaredNamespace === undefined && PLACED_KINDS.has(r.kind);

/**
 * The namespace that namespace-less objects are applied to (`kubectl apply -n X -f install.yaml`, as argo-cd's
 * install.yaml is meant to be), when the workspace says so. The rule (docs/rules.md, "Namespace-less installs"):
 *  - an install is the namespace-less Roles, RoleBindings, ServiceAccounts and workloads of the files that refer to
 *    each other by name (a ServiceAccount defined, run as or bound; a Role defined or bound): they are applied to one
 *    namespace together, so the links among them hold wherever it goes;
 *  - an object with an explicit namespace that refers to a name of the install says where it goes: a binding subject
 *    `ServiceAccount X/N`, or a RoleBinding of namespace X whose subject N has no namespace or whose roleRef is Role N,
 *    unless X/N itself is defined with an explicit namespace;
 *  - exactly one such namespace X: the install is placed in X; none, or several (ambiguous): it stays in `default`.
 * The `default` ServiceAccount (one in every namespace) says nothing. Objects with an explicit namespace never move, and
 * every explicit link to an install agrees with where it is placed, so no link that can exist is dropped.
 */
export function installNamespaces(ws: WorkspaceIndex): Map<object, string> {
  // The RBAC model, netpol-selects-nothing and nonexistent-service-account all ask: once per workspace version.
  const hit = installsCache.get(ws);
  if (hit && hit.version === ws.version) return hit.installs;
  const installs = computeInstallNamespaces(ws);
  installsCache.set(ws, { version: ws.version, installs });
  return installs;
}

/** installNamespaces by workspace, valid while its version (bumped by every change of a file) is the same. */
const installsCache = new WeakMap<WorkspaceIndex, { version: number; installs: Map<object, string> }>();

function computeInstallNamespaces(ws: WorkspaceIndex): Map<object, string> {
  const out = new Map<object, string>();
  // Union-find over files, joined by the names their namespace-less objects define or refer to.
  const parent = new Map<object, object>();
  const find = (f: object): object => {
    let p = parent.get(f) ?? f;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p)!;
    return p;
  };
  const fileOf = new Map<string, object>();
  const touch = (key: string, f: object) => {
    if (!parent.has(f)) parent.set(f, f);
    const g = fileOf.get(key);
    if (!g) fileOf.set(key, f);
    else if (find(g) !== find(f)) parent.set(find(f), find(g));
  };
  const explicit = new Set<string>();
  const refs: { key: string; namespace: string }[] = [];
  const sa = (n: unknown) => (typeof n === 'string' && n !== '' && n !== 'default' ? `ServiceAccount/${n}` : undefined);
  for (const f of ws.allFiles()) {
    if (f.skipped) continue;
    for (const r of f.resources) {
      const o: any = r.object;
      const subjects: any[] = r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding' ? (Array.isArray(o.subjects) ? o.subjects : []) : [];
      const roleRef = r.kind === 'RoleBinding' && o.roleRef && o.roleRef.kind === 'Role' && typeof o.roleRef.name === 'string' ? `Role/${o.roleRef.name}` : undefined;
      // Explicit references: where the install goes.
      for (const s of subjects) {
        if (!s || typeof s !== 'object' || s.kind !== 'ServiceAccount') continue;
        const key = sa(s.name);
        const ns = typeof s.namespace === 'string' && s.namespace ? s.namespace : r.kind === 'RoleBinding' ? r.declaredNamespace : undefined;
        if (key && ns) refs.push({ key, namespace: ns });
      }
      if (roleRef && r.declaredNamespace) refs.push({ key: roleRef, namespace: r.declaredNamespace });
      if (r.declaredNamespace !== undefined) {
        if (r.kind === 'ServiceAccount' || r.kind === 'Role') explicit.add(`${r.declaredNamespace}:${r.kind}/${r.name}`);
        continue;
      }
      if (!isNamespaceLess(r)) continue;
      // Namespace-less objects: the names that tie files into one install.
      if (r.kind === 'ServiceAccount' || r.kind === 'Role') {
        const key = r.kind === 'Role' ? `Role/${r.name}` : sa(r.name);
        if (key) touch(key, f);
      } else if (r.kind === 'RoleBinding') {
        for (const s of subjects) if (s && typeof s === 'object' && s.kind === 'ServiceAccount' && !s.namespace && sa(s.name)) touch(sa(s.name)!, f);
        if (roleRef) touch(roleRef, f);
      } else if (Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, r.kind)) {
        const ps: any = POD_SPEC_PATHS[r.kind].reduce<any>((x, k) => (x && typeof x === 'object' ? x[k] : undefined), o);
        const key = sa(ps && (ps.serviceAccountName || ps.serviceAccount));
        if (key) touch(key, f);
      }
    }
  }
  const candidates = new Map<object, Set<string>>();
  for (const { key, namespace } of refs) {
    const f = fileOf.get(key);
    if (!f || explicit.has(`${namespace}:${key}`)) continue;
    const root = find(f);
    let set = candidates.get(root);
    if (!set) candidates.set(root, (set = new Set()));
    set.add(namespace);
  }
  for (const f of parent.keys()) {
    const set = candidates.get(find(f));
    if (set && set.size === 1) out.set(f, [...set][0]);
  }
  return out;
}

/** The object as the RBAC model sees it: a namespace-less namespaced object placed in its install's namespace. */
function placedIn(r: Resource, namespace: string): unknown {
  if (!isNamespaceLess(r) || namespace === 'default') return r.object;
  const meta = r.object.metadata;
  return { ...r.object, metadata: { ...(meta && typeof meta === 'object' ? meta : {}), namespace } };
}

export function fileName(uri: string): string {
  return uri.split('/').pop() ?? uri;
}

/** "roles.yaml:12" for a path inside a resource. */
export function where(res: Resource, path: (string | number)[]): string {
  return `${fileName(res.file.uri)}:${res.range(path).start.line + 1}`;
}

/** The Resource and path of a chain step, when it comes from the workspace (not built-in). */
export function stepLocation(step: ChainStep, role = false): { res: Resource; path: (string | number)[] } | undefined {
  const res = step.source?.ref;
  if (!(res instanceof Resource)) return undefined;
  // A role is shown by its name line (its path is the whole object).
  const path = role && step.path.length === 0 ? ['metadata', 'name'] : step.path;
  return { res, path };
}

export function toRelated(r: RbacRelated): RelatedInfo | undefined {
  const res = r.object.ref;
  if (!(res instanceof Resource)) return undefined;
  return { uri: res.file.uri, range: res.range(r.path), message: `${r.message} (${where(res, r.path)})` };
}

type RbacFixes = (res: Resource, finding: RbacFinding, ctx: RuleContext, rw: RbacWorkspace) => Fix[];

/** The quick fixes a row of the RBAC table names. */
const FIXES: Record<RbacFixKind, RbacFixes> = {
  // Not for a `*`/`*`/`*` rule: explicit verbs on every resource still read every Secret, exec into pods, … (the risks it
  // implies would surface as new findings); its resources have to be listed by hand.
  'wildcard-verbs': (res, f) => (f.data?.clusterAdminEquivalent ? [] : wildcardVerbFixes(res, f)),
  'to-role-binding': (res, _f, ctx) => toRoleBindingFixes(res, ctx.workspace),
  'least-privilege': (res, f, ctx, rw) => {
    // One finding per risk, all on serviceAccountName: offer the fixes once (on the first), not once per risk.
    if (rw.findings(res).find((x) => x.rule === f.rule) !== f) return [];
    const lp = leastPrivilegeFix(res, ctx.workspace, rw);
    return [...(lp ? [lp] : []), ...automountFixes(res, f, ctx, rw)];
  },
};

/** The rule of a row of the RBAC table: reports the RBAC model's findings with its id, on the engine's path, with related locations. */
export function defineRbacRule(row: RbacRow): Rule {
  const fixes = row.fix ? FIXES[row.fix] : undefined;
  const kinds = rowKinds(row);
  return defineRule({
    id: row.id,
    family: 'rbac',
    title: row.title,
    defaultSeverity: row.severity,
    // Each RBAC fix depends on the finding: wildcard verbs only, a ClusterRoleBinding only, a workload's first finding only.
    fix: fixes ? 'sometimes' : 'none',
    docs: { ...row.docs, references: [...(row.docs.references ?? []), RBAC_DOCS, RBAC_GOOD_PRACTICES] },
    kinds,
    checkResource(res, ctx) {
      if (!RBAC_KINDS.has(res.kind)) return;
      const rw = rbacWorkspace(ctx);
      const list = rw.findings(res);
      // (Reporting in its own function: its closures would allocate a context on every call of this one.)
      for (let i = 0; i < list.length; i++) if (list[i].rule === row.id) reportRbac(list[i], res, ctx, rw, fixes);
    },
  });
}

function reportRbac(f: RbacFinding, res: Resource, ctx: RuleContext, rw: RbacWorkspace, fixes: RbacFixes | undefined): void {
  const related = (f.related ?? []).map(toRelated).filter((x): x is RelatedInfo => !!x);
  if (f.rule === RBAC.workloadHighRisk.id) {
    const info = rw.model.workloadInfo(f.object);
    const sa = info?.serviceAccount;
    const saRes = sa?.source.ref;
    if (saRes instanceof Resource && !sameResource(saRes, res))
      related.push({ uri: saRes.file.uri, range: saRes.range(['metadata', 'name']), message: `ServiceAccount ${info!.namespace}/${info!.serviceAccountName} (${where(saRes, ['metadata', 'name'])})` });
  }
  ctx.report({
    resource: res,
    path: f.path,
    message: f.message,
    ...(related.length ? { related } : {}),
    ...(fixes ? { fixes: (opts?: { fixAllOnly?: boolean }) => (opts?.fixAllOnly ? [] : fixes(res, f, ctx, rw)) } : {}),
  });
}

// ------------------------------------------------------------------------------------------------ fixes

export const READ_WRITE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * Replace `*` in a rule's verbs by `verbs` (explicit verbs already listed are kept). A block sequence is edited item by
 * item (the `*` item becomes the first verb, the others are appended) so comments on the key and items survive.
 */
function explicitVerbsEdit(res: Resource, path: (string | number)[], verbs: readonly string[]): TextEdit | undefined {
  const current: unknown = path.reduce<any>((o, k) => (o == null ? undefined : o[k]), res.object);
  const list = typeof current === 'string' ? [current] : Array.isArray(current) ? current : [];
  const kept = list.filter((v): v is string => typeof v === 'string' && v !== '*');
  const add = verbs.filter((v) => !kept.includes(v));
  const found = res.locate(path);
  const node = found && found.depth === res.prefix.length + path.length ? found.node : undefined;
  const block = node?.kind === 'seq' && res.file.text.charCodeAt(res.doc.start + node.start) !== 91; /* [ */
  if (!block) return setIn(res, path, [...kept, ...add]);
  const star = list.indexOf('*');
  if (star < 0) return undefined;
  if (!add.length) return removeItem(res, path, star);
  return editSequence(res, [(r) => replaceScalar(r, [...path, star], add[0]), ...add.slice(1).map((v) => (r: Resource) => appendTo(r, path, v))]);
}

/** Replace `*` in a rule's verbs: read-only (preferred) or an explicit read-write list. */
export function wildcardVerbFixes(res: Resource, f: RbacFinding): Fix[] {
  const ro = readOnlyVerbsFix(res.object, f.path);
  if (!ro) return [];
  const path = ro.edit.path;
  const out: Fix[] = [];
  const e1 = explicitVerbsEdit(res, path, READ_ONLY_VERBS);
  if (e1) out.push({ title: 'Replace wildcard verbs with get, list, watch (read-only)', edits: [e1], preferred: true });
  const e2 = explicitVerbsEdit(res, path, READ_WRITE_VERBS);
  if (e2) out.push({ title: `Replace wildcard verbs with ${READ_WRITE_VERBS.join(', ')}`, edits: [e2] });
  return out;
}

const NS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAMESPACE_ACTIONS = 8;

/** Namespaces to offer for a ClusterRoleBinding → RoleBinding conversion: the subjects' first, then the workspace's. */
export function candidateNamespaces(res: Resource, ws: WorkspaceIndex): string[] {
  const out: string[] = [];
  const add = (ns: unknown) => {
    if (typeof ns === 'string' && NS_NAME.test(ns) && ns.length <= 63 && !out.includes(ns)) out.push(ns);
  };
  const subjects = Array.isArray(res.object.subjects) ? res.object.subjects : [];
  for (const s of subjects) if (s && typeof s === 'object') add(s.namespace);
  for (const s of subjects) if (s && typeof s === 'object' && typeof s.name === 'string') add(/^system:serviceaccounts:(.+)$/.exec(s.name)?.[1]);
  for (const n of ws.resourcesOfKind('Namespace')) add(n.name);
  const seen = new Set<string>();
  for (const f of ws.allFiles()) for (const r of f.resources) if (r.declaredNamespace && !r.clusterScoped) seen.add(r.declaredNamespace);
  for (const ns of [...seen].sort()) add(ns);
  if (!out.length) add('default');
  return out.slice(0, MAX_NAMESPACE_ACTIONS);
}

/** "Convert to a RoleBinding in namespace X", one fix per candidate namespace (roleRef stays a ClusterRole). */
export function toRoleBindingFixes(res: Resource, ws: WorkspaceIndex): Fix[] {
  if (res.kind !== 'ClusterRoleBinding' || !res.has(['kind'])) return [];
  const roleName = res.object.roleRef?.name;
  const subjects: unknown[] = Array.isArray(res.object.subjects) ? res.object.subjects : [];
  const out: Fix[] = [];
  for (const ns of candidateNamespaces(res, ws)) {
    const steps = [
      (r: Resource) => replaceScalar(r, ['kind'], 'RoleBinding'),
      (r: Resource) => setIn(r, ['metadata', 'namespace'], ns),
      ...subjects.flatMap((s, i) =>
        s && typeof s === 'object' && (s as any).kind === 'ServiceAccount' && !(s as any).namespace ? [(r: Resource) => setIn(r, ['subjects', i, 'namespace'], ns)] : [],
      ),
    ];
    const edit = editSequence(res, steps);
    if (edit)
      out.push({
        title: `Convert to a RoleBinding in namespace ${ns}${typeof roleName === 'string' ? ` (still ClusterRole ${roleName}, only in ${ns})` : ''}`,
        edits: [edit],
      });
  }
  return out;
}

/**
 * `automountServiceAccountToken: false` on the pod spec or the ServiceAccount, for rbac-workload-high-risk — only when
 * the hardening rule automount-service-account-token (which offers the same fixes on the same workload) is turned off.
 */
export function automountFixes(res: Resource, f: RbacFinding, ctx: RuleContext, rw: RbacWorkspace): Fix[] {
  if (ctx.settings.rules['automount-service-account-token'] !== 'off') return [];
  const info = rw.model.workloadInfo(f.object);
  if (!info || info.projectedToken) return [];
  const out: Fix[] = [];
  const e = setIn(res, [...info.podSpecPath, 'automountServiceAccountToken'], false);
  if (e) out.push({ title: `Set automountServiceAccountToken: false on the pod spec of ${info.kind} ${info.name || '(unnamed)'}`, edits: [e] });
  const saRes = info.serviceAccount?.source.ref;
  if (info.automountSource !== 'pod' && saRes instanceof Resource) {
    const e2 = setIn(saRes, ['automountServiceAccountToken'], false);
    if (e2) out.push({ title: `Set automountServiceAccountToken: false on ServiceAccount ${info.namespace}/${info.serviceAccountName} (every pod using it)`, edits: [e2] });
  }
  return out;
}

/** A ServiceAccount/Role/RoleBinding name not yet used in the namespace (nor by a binding subject). */
export function unusedName(ws: WorkspaceIndex, rw: RbacWorkspace, namespace: string, base: string): string {
  const taken = new Set<string>();
  for (const kind of ['ServiceAccount', 'Role', 'RoleBinding'])
    for (const r of ws.resourcesOfKind(kind)) if ((r.namespace ?? 'default') === namespace) taken.add(r.name);
  for (const s of rw.model.subjects()) if (s.kind === 'ServiceAccount' && s.namespace === namespace) taken.add(s.name);
  const fit = (n: string) => n.slice(0, 253);
  if (!taken.has(base)) return fit(base);
  if (!taken.has(`${base}-minimal`)) return fit(`${base}-minimal`);
  for (let i = 2; ; i++) if (!taken.has(`${base}-minimal-${i}`)) return fit(`${base}-minimal-${i}`);
}

// A tiny YAML renderer for the generated documents (plain maps, lists and scalars).
function scalar(v: unknown): string {
  if (typeof v === 'string') return yamlString(v);
  return String(v);
}
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${scalar(k)}: ${flow(x)}`).join(', ')}}`;
  return scalar(v);
}
export function renderYaml(obj: Record<string, unknown>, indent = 0, comments: Record<string, string> = {}): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (comments[k]) lines.push(`${pad}# ${comments[k]}`);
    if (Array.isArray(v) && v.some((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      lines.push(`${pad}${scalar(k)}:`);
      for (const item of v) {
        const inner = renderYaml(item as Record<string, unknown>, indent + 2).split('\n');
        lines.push(`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1));
      }
    } else if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) {
      lines.push(`${pad}${scalar(k)}:`, renderYaml(v as Record<string, unknown>, indent + 2));
    } else lines.push(`${pad}${scalar(k)}: ${flow(v)}`);
  }
  return lines.join('\n');
}

/**
 * "Generate a least-privilege ServiceAccount, Role and RoleBinding": the three documents appended to the workload's file
 * (the Role's rule is a placeholder with resourceNames: REPLACE-WITH-RESOURCE-NAME and a TODO comment), and the
 * workload switched to the new ServiceAccount. Plain text (no snippet tab stops).
 */
export function leastPrivilegeFix(res: Resource, ws: WorkspaceIndex, rw: RbacWorkspace): Fix | undefined {
  const namespace = res.namespace ?? 'default';
  const name = unusedName(ws, rw, namespace, res.name || 'workload');
  const sk = leastPrivilegeSkeleton(res.object, { name, namespace });
  if (!sk) return undefined;
  const edit = editSequence(
    res,
    sk.workloadEdits.map((e) => (r: Resource) => (e.remove ? removeKey(r, e.path) : setIn(r, e.path, e.value as YamlValue))),
  );
  const original = res.file.text;
  let text = edit ? applyEdits(original, [edit]) : original;
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const docs = [
    renderYaml(sk.serviceAccount),
    renderYaml(sk.role, 0, { rules: `TODO: replace this placeholder with the API calls ${res.kind} ${res.name || '(unnamed)'} makes (keep resourceNames)` }),
    renderYaml(sk.roleBinding),
  ].map((d) => d.replace(/\n/g, eol));
  const sep = text.length === 0 || text.endsWith('\n') ? '' : eol;
  text = `${text}${sep}---${eol}${docs.join(`${eol}---${eol}`)}${eol}`;
  const e = diffEdit(res.file.uri, original, text);
  return e
    ? { title: `Generate a least-privilege ServiceAccount, Role and RoleBinding "${name}" for ${res.kind} ${res.name || '(unnamed)'}`, edits: [e] }
    : undefined;
}
