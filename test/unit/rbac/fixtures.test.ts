/**
 * Data-driven tests: every directory of test/fixtures/rbac with an expected.json is a case.
 * Keys of expected.json: findings (exact multiset of analyze()), messages, related, effectiveRules, can, chains,
 * whoCan, permissions (exact rows), workloadFindings (exact per workload), workloadInfo.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatChain } from '../../../server/src/engine/rbac';
import { build, caseNames, effectiveRuleString, findingString, permissionString, relatedString } from './helpers';

const names = caseNames();

test('fixture cases are present', () => {
  assert.deepEqual(names, ['aggregation', 'cluster-admin', 'findings', 'groups', 'namespace-scoping']);
});

for (const name of names) {
  describe(`fixture ${name}`, () => {
    const { model, byRef, expected } = build(name);
    const findings = model.analyze();
    const byString = new Map(findings.map((f) => [findingString(f), f]));

    test('analyze() findings match exactly', () => {
      assert.deepEqual(findings.map(findingString).sort(), [...expected.findings].sort());
    });

    test('every finding references the given source object and a path that exists in it', () => {
      for (const f of findings) {
        assert.ok([...byRef.values()].includes(f.object), findingString(f));
        let cur: any = f.object.object;
        for (const seg of f.path) {
          assert.ok(cur !== null && typeof cur === 'object' && seg in cur, `${findingString(f)}: ${seg} missing`);
          cur = cur[seg];
        }
        assert.ok(f.message.length > 10);
        assert.ok(['error', 'warning', 'info'].includes(f.severity));
      }
    });

    for (const m of expected.messages ?? []) {
      test(`message of ${m.finding}`, () => {
        const f = byString.get(m.finding);
        assert.ok(f, `finding ${m.finding} not produced`);
        for (const s of m.includes ?? []) assert.ok(f.message.includes(s), `"${f.message}" should include "${s}"`);
        for (const s of m.excludes ?? []) assert.ok(!f.message.includes(s), `"${f.message}" should not include "${s}"`);
      });
    }

    for (const r of expected.related ?? []) {
      test(`related of ${r.finding}`, () => {
        const f = byString.get(r.finding);
        assert.ok(f, `finding ${r.finding} not produced`);
        assert.deepEqual((f.related ?? []).map((x) => relatedString(x, f.object)), r.paths);
      });
    }

    for (const e of expected.effectiveRules ?? []) {
      test(`effective rules of ${e.role}`, () => {
        const [kind, roleName] = e.role.split('/');
        const rules = model.effectiveRules(kind, roleName);
        assert.ok(rules, `${e.role} not found`);
        assert.deepEqual(rules.map(effectiveRuleString), e.rows);
      });
    }

    for (const c of expected.can ?? []) {
      const { subject, verb, resource, allowed, ...opts } = c;
      test(`can ${subject} ${verb} ${resource} ${JSON.stringify(opts)} = ${allowed}`, () => {
        const grants = model.can(subject, verb, resource, opts);
        assert.equal(grants.length > 0, allowed, grants.map(permissionString).join('\n'));
      });
    }

    for (const c of expected.chains ?? []) {
      test(`chain for ${c.subject} ${c.verb} ${c.resource}`, () => {
        const grants = model.can(c.subject, c.verb, c.resource, { namespace: c.namespace });
        const g = grants.find((p) => formatChain(p.chain) === c.chain);
        assert.ok(g, `no grant with chain ${c.chain}; got:\n${grants.map((p) => formatChain(p.chain)).join('\n')}`);
        if (c.matched) assert.equal(g.chain.subject, c.matched);
      });
    }

    for (const w of expected.whoCan ?? []) {
      test(`whoCan ${w.verb} ${w.resource} ${JSON.stringify(w.opts)}`, () => {
        const res = model.whoCan(w.verb, w.resource, w.opts);
        assert.deepEqual(
          res.map((e) => e.subject),
          w.subjects,
        );
        for (const e of res) {
          assert.ok(e.grants.length > 0);
          for (const g of e.grants) assert.equal(g.chain.subject, e.subject);
        }
      });
    }

    for (const p of expected.permissions ?? []) {
      test(`permissions(${p.subject})`, () => {
        assert.deepEqual(model.permissions(p.subject).map(permissionString), p.rows);
      });
    }

    for (const [ref, exp] of Object.entries<any[]>(expected.workloadFindings ?? {})) {
      test(`workloadFindings(${ref})`, () => {
        const src = byRef.get(ref);
        assert.ok(src, ref);
        const got = model.workloadFindings(src);
        assert.deepEqual(
          got.map((f) => `${findingString(f)} risk=${f.data?.risk}`),
          exp.map((e) => `${e.finding} risk=${e.risk}`),
        );
        got.forEach((f, i) => {
          assert.equal(f.object, src);
          assert.equal(f.severity, 'info');
          for (const s of exp[i].includes ?? []) assert.ok(f.message.includes(s), `"${f.message}" should include "${s}"`);
          if (exp[i].related) assert.deepEqual((f.related ?? []).map((r) => relatedString(r, f.object)), exp[i].related);
        });
      });
    }

    for (const [ref, exp] of Object.entries<Record<string, unknown>>(expected.workloadInfo ?? {})) {
      test(`workloadInfo(${ref})`, () => {
        const info = model.workloadInfo(byRef.get(ref)!);
        assert.ok(info);
        for (const [k, v] of Object.entries(exp)) assert.deepEqual((info as any)[k], v, k);
      });
    }

    if (expected.workloadFindings) {
      test('analyze({includeWorkloads}) adds exactly the workload findings', () => {
        const all = model.analyze({ includeWorkloads: true });
        const wl = all.filter((f) => f.rule === 'rbac-workload-high-risk').map(findingString).sort();
        const exp = Object.values<any[]>(expected.workloadFindings).flat().map((e) => e.finding).sort();
        assert.deepEqual(wl, exp);
        assert.equal(all.length - wl.length, findings.length);
      });
    }
  });
}
