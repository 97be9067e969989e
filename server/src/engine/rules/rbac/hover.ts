/**
 * RBAC hover text (markdown), engine side; the language server only wraps it.
 *
 * - On a binding's `subjects[i]`: the effective permission table of that subject (all its grants in the workspace,
 *   including those through its implicit groups).
 * - On a binding's `kind`, `metadata.name` or `roleRef`: the effective permission table of each of its subjects.
 * - On a Role/ClusterRole `rules[i]`: who gets that rule (subjects, through which bindings, also via aggregation);
 *   on its `kind` / `metadata.name`: who is bound to the role.
 * - On a ServiceAccount's `kind` / `metadata.name`, or a workload's `serviceAccountName`: the ServiceAccount's table.
 */
import { Resource } from '../../model';
import type { Position } from '../../text';
import type { SnapshotContext } from '../../memo';
import { formatSubject, parseSubject, subjectKey, type ChainStep, type GrantChain, type Permission, type SubjectRef } from '../../rbac';
import { fileName, rbacWorkspace, RbacWorkspace, stepLocation } from './common';

const MAX_ROWS = 40;
const MAX_SUBJECTS = 5;

/** True when `offset` is inside the node at `path` (key included) or on the key's line. */
function inside(res: Resource, path: (string | number)[], position: Position): boolean {
  const found = res.locate(path);
  if (!found || found.depth !== res.prefix.length + path.length) return false;
  const base = res.doc.start;
  const offset = res.file.lines.offset(position);
  const start = base + (found.key?.start ?? found.node.start);
  const end = base + found.node.end;
  return (offset >= start && offset <= end) || res.file.lines.position(start).line === position.line;
}

function onLine(res: Resource, path: (string | number)[], position: Position): boolean {
  return res.has(path) && res.range(path).start.line === position.line;
}

const esc = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (c) => (c === '|' ? '\\|' : `\\${c}`));
const code = (s: string) => '`' + s.replace(/`/g, "'").replace(/\|/g, '\\|') + '`';
const codes = (l: string[]) => (l.length ? l.map(code).join(', ') : '—');

/** "RoleBinding shop/read" with a link to its line, "(built-in)" when not in the workspace. */
export function stepLabel(step: ChainStep): string {
  return `${step.kind} ${step.namespace ? `${step.namespace}/` : ''}${step.name || '(unnamed)'}`;
}

function stepMd(step: ChainStep, role = false): string {
  const label = esc(stepLabel(step));
  const loc = stepLocation(step, role);
  if (!loc) return `${label}${step.builtin ? ' (built-in)' : ''}`;
  const line = loc.res.range(loc.path).start.line + 1;
  return `[${label}](${loc.res.file.uri}#L${line}) (${esc(fileName(loc.res.file.uri))}:${line})`;
}

function ruleMd(chain: GrantChain): string {
  const loc = stepLocation(chain.rule);
  if (!loc) return `rules[${chain.rule.index}]`;
  const line = loc.res.range(loc.path).start.line + 1;
  return `[rules[${chain.rule.index}]](${loc.res.file.uri}#L${line}) (${esc(fileName(loc.res.file.uri))}:${line})`;
}

export function chainMd(chain: GrantChain): string {
  const parts = [stepMd(chain.binding), stepMd(chain.role, true), ...chain.via.map((v) => `aggregates ${stepMd(v, true)}`)];
  const sameHolder = chain.rule.kind === chain.role.kind && chain.rule.name === chain.role.name && chain.via.length === 0;
  parts.push(sameHolder ? ruleMd(chain) : `${esc(stepLabel(chain.rule))} ${ruleMd(chain)}`);
  return parts.join(' → ');
}

const group = (g: string) => (g === '' ? 'core' : g);

/** The effective permission table of a subject, markdown. */
export function permissionTable(rw: RbacWorkspace, subject: SubjectRef): string {
  const perms = rw.model.permissions(subject);
  const key = subjectKey(subject);
  const title = `**RBAC** — effective permissions of ${esc(formatSubject(subject))}`;
  if (!perms.length) return `${title}\n\nNo permissions granted by the bindings in the workspace.`;
  const lines = [
    `${title} (${perms.length} rule${perms.length === 1 ? '' : 's'})`,
    '',
    '| Where | API groups | Resources | Verbs | Resource names | Granted via |',
    '|---|---|---|---|---|---|',
  ];
  for (const p of perms.slice(0, MAX_ROWS)) {
    const where = p.clusterWide ? 'cluster-wide' : `namespace ${code(p.namespace ?? '')}`;
    const what = p.resources.length ? codes(p.resources) : p.nonResourceURLs.length ? `URLs ${codes(p.nonResourceURLs)}` : '—';
    const member = p.chain.subject !== key ? ` (as member of ${esc(formatSubject(parseSubject(p.chain.subject) ?? subject))})` : '';
    lines.push(`| ${where} | ${p.resources.length ? codes(p.apiGroups.map(group)) : '—'} | ${what} | ${codes(p.verbs)} | ${codes(p.resourceNames)} | ${chainMd(p.chain)}${member} |`);
  }
  if (perms.length > MAX_ROWS) lines.push('', `… and ${perms.length - MAX_ROWS} more (\`k8s-guardrails rbac permissions ${subjectKey(subject)} <files>\`)`);
  return lines.join('\n');
}

/** Who gets the permissions of a Role/ClusterRole rule (or of every rule when `ruleIndex` is undefined). */
export function granteesMd(rw: RbacWorkspace, res: Resource, ruleIndex?: number): string | undefined {
  const src = rw.source(res);
  if (!src) return undefined;
  const rules: unknown[] = Array.isArray(res.object.rules) ? res.object.rules : [];
  const indexes = ruleIndex !== undefined ? [ruleIndex] : rules.map((_, i) => i);
  const grants: Permission[] = [];
  const seen = new Set<string>();
  for (const i of indexes)
    for (const p of rw.model.grantsOfRule(src, ['rules', i])) {
      const k = `${p.chain.subject}|${stepLabel(p.chain.binding)}|${stepLabel(p.chain.role)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      grants.push(p);
    }
  const what = `${res.kind} ${res.namespace ? `${res.namespace}/` : ''}${res.name || '(unnamed)'}${ruleIndex !== undefined ? ` rules[${ruleIndex}]` : ''}`;
  const title = `**RBAC** — who gets ${esc(what)}`;
  if (!grants.length) return `${title}\n\nNo binding in the workspace grants it${res.kind === 'ClusterRole' ? ' (also not through an aggregating ClusterRole)' : ''}.`;
  const lines = [title, '', '| Subject | Where | Through |', '|---|---|---|'];
  for (const p of grants.slice(0, MAX_ROWS)) {
    const s = parseSubject(p.chain.subject);
    const where = p.clusterWide ? 'cluster-wide' : `namespace ${code(p.namespace ?? '')}`;
    const through = [stepMd(p.chain.binding), ...(p.chain.role.name !== res.name || p.chain.role.kind !== res.kind ? [`${stepMd(p.chain.role, true)} (aggregates it)`] : [])].join(' → ');
    lines.push(`| ${esc(s ? formatSubject(s) : p.chain.subject)} | ${where} | ${through} |`);
  }
  if (grants.length > MAX_ROWS) lines.push('', `… and ${grants.length - MAX_ROWS} more`);
  return lines.join('\n');
}

/** A binding subject (as written) → SubjectRef; RoleBinding ServiceAccounts default to the binding's namespace. */
function subjectOf(binding: Resource, s: unknown): SubjectRef | undefined {
  if (!s || typeof s !== 'object') return undefined;
  const o = s as Record<string, unknown>;
  if (typeof o.kind === 'string' && o.kind.toLowerCase() === 'serviceaccount' && !o.namespace && binding.kind === 'RoleBinding')
    return parseSubject({ ...o, namespace: binding.namespace ?? 'default' });
  return parseSubject(o);
}

/** Markdown for a hover at `position` of `uri`, or undefined when there is nothing RBAC-related there. */
export function rbacHover(ctx: Pick<SnapshotContext, 'workspace' | 'memo'>, uri: string, position: Position): string | undefined {
  const res = ctx.workspace.resourceAt(uri, position);
  if (!res) return undefined;
  const rw = rbacWorkspace(ctx);
  if (!rw.source(res)) return undefined;
  const head = onLine(res, ['kind'], position) || onLine(res, ['metadata', 'name'], position);
  if (res.kind === 'RoleBinding' || res.kind === 'ClusterRoleBinding') {
    const subjects: unknown[] = Array.isArray(res.object.subjects) ? res.object.subjects : [];
    for (let i = 0; i < subjects.length; i++) {
      if (!inside(res, ['subjects', i], position)) continue;
      const s = subjectOf(res, subjects[i]);
      return s ? permissionTable(rw, s) : undefined;
    }
    if (!head && !inside(res, ['roleRef'], position)) return undefined;
    const refs = subjects.map((s) => subjectOf(res, s)).filter((s): s is SubjectRef => !!s);
    const rr = res.object.roleRef;
    const role = rr && typeof rr === 'object' && typeof rr.name === 'string' ? `${rr.kind ?? 'role'} ${rr.name}` : 'its role';
    const intro = `**RBAC** — ${esc(res.kind)} ${code(res.name || '(unnamed)')} grants ${esc(role)} ${res.kind === 'RoleBinding' ? `in namespace ${code(res.namespace ?? 'default')}` : 'cluster-wide'} to ${refs.length} subject${refs.length === 1 ? '' : 's'}.`;
    if (!refs.length) return intro;
    const tables = refs.slice(0, MAX_SUBJECTS).map((s) => permissionTable(rw, s));
    if (refs.length > MAX_SUBJECTS) tables.push(`… and ${refs.length - MAX_SUBJECTS} more subjects (hover one in \`subjects\`)`);
    return [intro, ...tables].join('\n\n');
  }
  if (res.kind === 'Role' || res.kind === 'ClusterRole') {
    const rules: unknown[] = Array.isArray(res.object.rules) ? res.object.rules : [];
    for (let i = 0; i < rules.length; i++) if (inside(res, ['rules', i], position)) return granteesMd(rw, res, i);
    return head ? granteesMd(rw, res) : undefined;
  }
  if (res.kind === 'ServiceAccount') {
    return head && res.name ? permissionTable(rw, { kind: 'ServiceAccount', name: res.name, namespace: res.namespace ?? 'default' }) : undefined;
  }
  const info = rw.model.workloadInfo(rw.source(res)!);
  if (info && info.serviceAccountExplicit && onLine(res, info.serviceAccountPath, position))
    return permissionTable(rw, { kind: 'ServiceAccount', name: info.serviceAccountName, namespace: info.namespace });
  return undefined;
}
