/**
 * Findings and `rbac who-can` / `rbac permissions` never disagree. For every RBAC fixture (test/fixtures/rbac/* and
 * test/fixtures/rules/rbac*), the workspace is built the way the CLI builds it (WorkspaceIndex → rbacWorkspace, whose
 * model answers who-can and permissions) and:
 *  - each finding's claim (data.requests, data.subjects) is confirmed by that model's can() / whoCan();
 *  - each Role/ClusterRole rule has exactly the risk findings the evaluator (ruleAllows over RISK_PROBES) implies;
 *  - each workload has exactly the rbac-workload-high-risk risks that can() grants its ServiceAccount.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Resource, WorkspaceIndex } from '../../../server/src/engine';
import {
  RISK_PROBES,
  isHighRisk,
  formatChain,
  isFullWildcard,
  normalizeRule,
  ruleAllows,
  type RbacFinding,
  type ResourceRequest,
  type RiskId,
} from '../../../server/src/engine/rbac';
import { isClusterScoped } from '../../../server/src/engine/rbac/match';
import { rbacWorkspace } from '../../../server/src/engine/rules/rbac/common';
import { AnalysisMemo } from '../../../server/src/engine/memo';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');

/** Every RBAC fixture workspace: one per test/fixtures/rbac/<case>, per rules/rbac*.yaml file and per *.workspace dir. */
function workspaces(): { name: string; files: string[] }[] {
  const out: { name: string; files: string[] }[] = [];
  const yamls = (dir: string) => fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
  const rbacDir = path.join(FIXTURES, 'rbac');
  for (const c of fs.readdirSync(rbacDir).sort()) out.push({ name: `rbac/${c}`, files: yamls(path.join(rbacDir, c)) });
  const rulesDir = path.join(FIXTURES, 'rules');
  for (const d of fs.readdirSync(rulesDir).filter((d) => d.startsWith('rbac')).sort()) {
    const dir = path.join(rulesDir, d);
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) out.push({ name: `rules/${d}/${e.name}`, files: yamls(p) });
      else if (/\.ya?ml$/.test(e.name)) out.push({ name: `rules/${d}/${e.name}`, files: [p] });
    }
  }
  return out;
}

const resourceOf = (r: ResourceRequest) => (r.subresource ? `${r.resource}/${r.subresource}` : r.resource);
const get = (o: any, p: (string | number)[]) => p.reduce((x, k) => (x == null ? undefined : x[k]), o);
const RBAC_ROLE_KINDS = new Set(['Role', 'ClusterRole']);

/** Risk ids the evaluator grants for one rule (as a Role's rule when `namespaced`). */
function evaluatorRisks(rule: ReturnType<typeof normalizeRule>, namespaced: boolean, namespaces: string[] = []): RiskId[] {
  const ids = new Set<RiskId>();
  if (rule.resources.length === 0) return [];
  for (const probe of RISK_PROBES) {
    if (namespaced && probe.clusterOnly) continue;
    // A risk about one object: its name is requested, and a namespaced grant counts only in its namespace.
    if (probe.object && namespaced && !namespaces.includes(probe.object.namespace)) continue;
    const names = probe.object ? [probe.object.name] : rule.resourceNames.length ? rule.resourceNames : [undefined];
    // Rules restricted by resourceNames are the least-privilege pattern for Secrets: not reported as reading them.
    if (probe.id === 'rbac-secrets-read' && rule.resourceNames.length) continue;
    for (const verb of probe.verbs)
      for (const tg of probe.targets)
        for (const apiGroup of tg.groups)
          for (const resourceName of names) {
            const [resource, subresource] = tg.resource.split('/');
            if (ruleAllows(rule, { verb, apiGroup, resource, subresource, resourceName })) ids.add(probe.id);
          }
  }
  return [...ids].sort();
}

const cases = workspaces();

test('the RBAC fixtures are all covered', () => {
  assert.ok(cases.length >= 19, cases.map((c) => c.name).join(', '));
});

for (const c of cases) {
  describe(`consistency ${c.name}`, () => {
    const ws = new WorkspaceIndex();
    for (const f of c.files) ws.set(f, fs.readFileSync(f, 'utf8'));
    const rw = rbacWorkspace({ workspace: ws, memo: new AnalysisMemo() });
    const model = rw.model;
    const resources: Resource[] = [...ws.allFiles()].flatMap((f) => f.resources);
    const findings: RbacFinding[] = resources.flatMap((r) => [...rw.findings(r)]);

    test('every role-rule finding is allowed by the evaluator and every grantee is listed by who-can', () => {
      for (const f of findings) {
        const reqs = f.data?.requests as ResourceRequest[] | undefined;
        if (!reqs || !RBAC_ROLE_KINDS.has(f.object.object.kind)) continue;
        const ri = f.path.lastIndexOf('rules');
        const rulePath = f.path.slice(0, ri + 2);
        const rule = normalizeRule(get(f.object.object, rulePath));
        assert.ok(reqs.length > 0, f.message);
        for (const req of reqs) {
          assert.ok(ruleAllows(rule, req), `${f.message}: ${JSON.stringify(req)} denied by the evaluator`);
          for (const p of model.grantsOfRule(f.object, rulePath)) {
            if (!p.clusterWide && isClusterScoped(req.apiGroup, req.resource)) continue;
            const opts = { apiGroup: req.apiGroup, ...(req.resourceName !== undefined ? { resourceName: req.resourceName } : {}) };
            const who = model.whoCan(req.verb, resourceOf(req), { ...opts, ...(p.clusterWide ? {} : { namespace: p.namespace }) });
            assert.ok(
              who.some((e) => e.subject === p.chain.subject && e.grants.some((g) => formatChain(g.chain) === formatChain(p.chain))),
              `${f.message}: who-can ${req.verb} ${resourceOf(req)} does not list ${p.chain.subject} via ${formatChain(p.chain)}`,
            );
            assert.ok(model.can(p.chain.subject, req.verb, resourceOf(req), { ...opts, namespace: p.namespace ?? '*' }).length > 0);
          }
        }
      }
    });

    test('every Role/ClusterRole rule has exactly the risk findings the evaluator implies', () => {
      for (const res of resources) {
        if (!RBAC_ROLE_KINDS.has(res.kind) || !Array.isArray(res.object.rules)) continue;
        const v = res.object.apiVersion;
        if (typeof v === 'string' && !v.startsWith('rbac.authorization.k8s.io')) continue; // another API's Role: not RBAC
        const aggregated = res.kind === 'ClusterRole' && res.object.aggregationRule && typeof res.object.aggregationRule === 'object';
        const mine = rw.findings(res);
        // A ClusterRole bound, and only bound, by RoleBindings (and not aggregated) is granted like a Role.
        const refs = resources.filter((b) => (b.kind === 'RoleBinding' || b.kind === 'ClusterRoleBinding') && b.object.roleRef?.kind === res.kind && b.object.roleRef?.name === res.name);
        const aggregatedSomewhere = resources.some((r) => r.kind === 'ClusterRole' && r.object.aggregationRule && typeof r.object.aggregationRule === 'object');
        const namespaced = res.kind === 'Role' || (refs.length > 0 && !aggregatedSomewhere && refs.every((b) => b.kind === 'RoleBinding'));
        const namespaces = res.kind === 'Role' ? [res.namespace ?? 'default'] : refs.map((b) => b.namespace ?? 'default');
        // Approving a CSR takes both halves somewhere in the role: update/patch on the approval subresource and approve on signers.
        const rules = res.object.rules.map((raw: unknown) => normalizeRule(raw));
        const allows = (verbs: string[], resource: string, subresource?: string) =>
          rules.some((r: ReturnType<typeof normalizeRule>) => verbs.some((verb) => (r.resourceNames.length ? r.resourceNames : [undefined]).some((resourceName: string | undefined) => ruleAllows(r, { verb, apiGroup: 'certificates.k8s.io', resource, subresource, resourceName }))));
        const csrApproves = !namespaced && allows(['update', 'patch'], 'certificatesigningrequests', 'approval') && allows(['approve'], 'signers');
        res.object.rules.forEach((raw: unknown, i: number) => {
          const rule = normalizeRule(raw);
          const onRule = mine.filter((f) => f.path[0] === 'rules' && f.path[1] === i);
          const risks = onRule.filter((f) => f.rule !== 'rbac-wildcard').map((f) => f.rule).sort();
          const expected = aggregated ? [] : evaluatorRisks(rule, namespaced, namespaces).filter((id) => id !== 'rbac-csr-approve' || csrApproves);
          const label = `${res.kind} ${res.name} rules[${i}]`;
          if (!aggregated && isFullWildcard(rule)) {
            assert.deepEqual(risks, [], `${label}: a */*/* rule is one finding`);
            const w = onRule.filter((f) => f.rule === 'rbac-wildcard');
            assert.equal(w.length, 1, label);
            // It implies the high-risk permissions only (port-forwarding, deletion, CoreDNS writes are not escalation).
            assert.deepEqual([...(w[0].data!.implies as string[])].sort(), expected.filter(isHighRisk), label);
          } else assert.deepEqual(risks, expected, label);
        });
      }
    });

    test('workload findings are exactly what can() grants the ServiceAccount', () => {
      for (const res of resources) {
        const source = rw.source(res);
        const info = source && model.workloadInfo(source);
        if (!info) continue;
        const got = rw.findings(res).filter((f) => f.rule === 'rbac-workload-high-risk').map((f) => String(f.data!.risk)).sort();
        if (!info.automountToken && !info.projectedToken) {
          assert.deepEqual(got, [], `${info.kind} ${info.name}: no token, no finding`);
          continue;
        }
        const sa = `serviceaccount:${info.namespace}:${info.serviceAccountName}`;
        const admin = model.can(sa, '*', '*', { apiGroup: '*', namespace: '*' }).length > 0;
        const risks = new Set<string>();
        for (const probe of RISK_PROBES.filter((p) => isHighRisk(p.id)))
          for (const verb of probe.verbs)
            for (const tg of probe.targets)
              for (const apiGroup of tg.groups)
                if (model.can(sa, verb, tg.resource, { apiGroup, namespace: '*', anyResourceName: probe.id !== 'rbac-secrets-read' }).length) risks.add(probe.id);
        assert.deepEqual(got, admin ? ['cluster-admin'] : [...risks].sort(), `${info.kind} ${info.name} as ${sa}`);
      }
    });

    test('binding findings are confirmed by can()', () => {
      for (const f of findings) {
        const b = f.object.object;
        const ns = b.kind === 'RoleBinding' ? (b.metadata?.namespace ?? 'default') : '*';
        if (f.rule === 'rbac-cluster-admin-binding') {
          for (const s of f.data!.subjects as string[]) assert.ok(model.can(s, '*', '*', { apiGroup: '*', namespace: ns }).length > 0, `${f.message}: ${s}`);
        } else if (f.rule === 'rbac-broad-subject') {
          for (const s of f.data!.subjects as string[])
            for (const req of f.data!.requests as ResourceRequest[]) {
              const grants = model.can(s, req.verb, resourceOf(req), { apiGroup: req.apiGroup, namespace: ns, ...(req.resourceName !== undefined ? { resourceName: req.resourceName } : {}) });
              assert.ok(grants.some((g) => g.chain.binding.name === b.metadata?.name), `${f.message}: ${s} ${JSON.stringify(req)}`);
            }
        } else if (f.rule === 'rbac-dangling-binding' && f.data?.target === 'roleRef') {
          for (const s of b.subjects ?? []) {
            const perms = s && typeof s === 'object' ? model.permissions({ ...s, namespace: s.namespace ?? b.metadata?.namespace }) : [];
            assert.ok(perms.every((p) => p.chain.binding.source !== f.object), `${f.message}: a dangling binding grants nothing`);
          }
        }
      }
    });
  });
}
