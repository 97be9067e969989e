/**
 * Data-driven NetworkPolicy truth tables: every test/fixtures/netpol/*.yaml file
 * describes namespaces, pods, policies and the expected results (see README.md there).
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import {
  NetworkModel,
  Peer,
  PodInfo,
  PolicySource,
  allowsDns,
  dnsAccess,
  egressToInternet,
  isDefaultDeny,
  validatePolicy,
  effectivePolicyTypes,
} from '../../../server/src/engine/netpol';

function findRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'fixtures'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
}

const FIXTURES = path.join(findRoot(), 'test', 'fixtures', 'netpol');

interface Fixture {
  description?: string;
  options?: Record<string, unknown>;
  namespaces?: { name: string; labels?: Record<string, string> }[];
  pods?: PodInfo[];
  policies?: any[];
  connections?: {
    from: string;
    to: string;
    port: number | string;
    protocol?: 'TCP' | 'UDP' | 'SCTP';
    allowed: boolean;
    allowedBy?: string[];
    egressIsolated?: boolean;
    ingressIsolated?: boolean;
    reason?: string;
    options?: Record<string, unknown>;
    note?: string;
  }[];
  tables?: { port: number | string; protocol?: 'TCP' | 'UDP' | 'SCTP'; options?: Record<string, unknown>; columns: string[]; rows: Record<string, string | number[]> }[];
  isolation?: { pod: string; ingress: string[]; egress: string[] }[];
  validate?: { policy: string; problems: any[] }[];
  policyTypes?: { policy: string; ingress: boolean; egress: boolean }[];
  egressToInternet?: { policy: string; expect: any[] }[];
  defaultDeny?: { policy: string; ingress: boolean; egress: boolean }[];
  dns?: { pod: string; allowed: boolean; udp?: boolean; tcp?: boolean; includeIngress?: boolean }[];
}

let total = 0;

function load(file: string): Fixture {
  return yaml.load(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Fixture;
}

function sources(fx: Fixture): PolicySource[] {
  return (fx.policies ?? []).map((object) => ({
    name: String(object?.metadata?.name ?? '<unnamed>'),
    namespace: String(object?.metadata?.namespace ?? 'default'),
    object,
  }));
}

function policyByName(fx: Fixture, name: string): any {
  const p = (fx.policies ?? []).find((x) => x?.metadata?.name === name);
  assert.ok(p, `fixture has no policy named ${name}`);
  return p;
}

function model(fx: Fixture, extra?: Record<string, unknown>): NetworkModel {
  return new NetworkModel({
    namespaces: (fx.namespaces ?? []).map((n) => ({ name: n.name, labels: n.labels ?? {} })),
    pods: fx.pods ?? [],
    policies: sources(fx),
    options: { ...(fx.options ?? {}), ...(extra ?? {}) },
  });
}

function pod(fx: Fixture, ref: string): PodInfo {
  const [ns, name] = ref.split('/');
  const p = (fx.pods ?? []).find((x) => x.namespace === ns && x.name === name);
  assert.ok(p, `fixture has no pod ${ref}`);
  return p;
}

function peer(fx: Fixture, ref: string): Peer {
  if (ref.startsWith('ip:')) return { kind: 'ip', ip: ref.slice(3) };
  return { kind: 'pod', pod: pod(fx, ref) };
}

const refText = (r: { policy: PolicySource; direction: string; ruleIndex: number }) => `${r.policy.namespace}/${r.policy.name}:${r.direction}:${r.ruleIndex}`;

function cells(row: string | number[]): boolean[] {
  const list = Array.isArray(row) ? row : String(row).trim().split(/\s+/);
  return list.map((c) => {
    const s = String(c);
    assert.ok(s === '1' || s === '0' || s === '.' || s === 'X', `bad table cell ${s}`);
    return s === '1' || s === 'X';
  });
}

const files = fs.readdirSync(FIXTURES).filter((f) => /\.ya?ml$/.test(f)).sort();

for (const file of files) {
  let fx: Fixture;
  try {
    fx = load(file);
  } catch (e) {
    test(`${file} parses`, () => assert.fail(String(e)));
    continue;
  }
  describe(`${file}${fx.description ? ` — ${fx.description}` : ''}`, () => {
    const base = model(fx);

    for (const c of fx.connections ?? []) {
      total++;
      const label = `${c.from} → ${c.to} ${c.protocol ?? ''}${c.port}${c.options ? ` ${JSON.stringify(c.options)}` : ''}: ${c.allowed ? 'allowed' : 'denied'}${c.note ? ` (${c.note})` : ''}`;
      test(label, () => {
        const m = c.options ? model(fx, c.options) : base;
        const v = m.allowed(peer(fx, c.from), peer(fx, c.to), c.port, c.protocol);
        assert.equal(v.allowed, c.allowed, v.reason);
        if (c.allowedBy) {
          const got = [...v.egress.allowedBy, ...v.ingress.allowedBy].map(refText).sort();
          assert.deepEqual(got, [...c.allowedBy].sort(), v.reason);
        }
        if (c.egressIsolated !== undefined) assert.equal(v.egress.isolated, c.egressIsolated, 'egress isolation');
        if (c.ingressIsolated !== undefined) assert.equal(v.ingress.isolated, c.ingressIsolated, 'ingress isolation');
        if (c.reason) assert.match(v.reason, new RegExp(c.reason));
      });
    }

    (fx.tables ?? []).forEach((t, ti) => {
      const m = t.options ? model(fx, t.options) : base;
      for (const [from, row] of Object.entries(t.rows)) {
        const expected = cells(row);
        assert.equal(expected.length, t.columns.length, `table ${ti} row ${from}: wrong number of cells`);
        t.columns.forEach((to, i) => {
          total++;
          const label = `table ${ti} ${t.protocol ?? 'TCP'}/${t.port}${t.options ? ` ${JSON.stringify(t.options)}` : ''}: ${from} → ${to} = ${expected[i] ? 1 : 0}`;
          test(label, () => {
            const v = m.allowed(peer(fx, from), peer(fx, to), t.port, t.protocol);
            assert.equal(v.allowed, expected[i], v.reason);
          });
        });
      }
    });

    for (const iso of fx.isolation ?? []) {
      total++;
      test(`isolation of ${iso.pod}`, () => {
        const got = base.policiesSelecting(pod(fx, iso.pod));
        assert.deepEqual(got.ingress.map((p) => p.name).sort(), [...iso.ingress].sort(), 'ingress');
        assert.deepEqual(got.egress.map((p) => p.name).sort(), [...iso.egress].sort(), 'egress');
      });
    }

    for (const pt of fx.policyTypes ?? []) {
      total++;
      test(`effective policyTypes of ${pt.policy}`, () => {
        assert.deepEqual(effectivePolicyTypes(policyByName(fx, pt.policy)), { ingress: pt.ingress, egress: pt.egress });
      });
    }

    for (const v of fx.validate ?? []) {
      total++;
      test(`validate ${v.policy}: ${v.problems.length ? v.problems.map((p) => p.code).join(', ') : 'no problems'}`, () => {
        const got = validatePolicy(policyByName(fx, v.policy));
        const key = (p: any) => `${p.code} @ ${JSON.stringify(p.path)}`;
        assert.deepEqual(got.map(key).sort(), v.problems.map(key).sort(), JSON.stringify(got, null, 1));
        const unused = [...got];
        for (const exp of v.problems) {
          const i = unused.findIndex((g) => key(g) === key(exp) && (!exp.message || new RegExp(exp.message).test(g.message)));
          assert.ok(i >= 0, `no problem ${key(exp)} matching ${exp.message ?? ''}`);
          const [hit] = unused.splice(i, 1);
          if (exp.severity) assert.equal(hit.severity, exp.severity, key(exp));
          if (exp.fix) assert.deepEqual(hit.fix, exp.fix, key(exp));
          if (exp.message) assert.match(hit.message, new RegExp(exp.message), key(exp));
        }
      });
    }

    for (const e of fx.egressToInternet ?? []) {
      total++;
      test(`egressToInternet ${e.policy}: ${e.expect.length} finding(s)`, () => {
        const got = egressToInternet(policyByName(fx, e.policy));
        assert.deepEqual(
          got.map((g) => ({ path: g.path, cidr: g.cidr, ports: g.ports })),
          e.expect.map((x) => ({ path: x.path, cidr: x.cidr, ports: x.ports })),
        );
      });
    }

    for (const d of fx.defaultDeny ?? []) {
      total++;
      test(`isDefaultDeny ${d.policy}`, () => {
        assert.deepEqual(isDefaultDeny(policyByName(fx, d.policy)), { ingress: d.ingress, egress: d.egress });
      });
    }

    for (const d of fx.dns ?? []) {
      total++;
      test(`DNS from ${d.pod}${d.includeIngress ? ' (incl. ingress)' : ''}: ${d.allowed}`, () => {
        const opts = { includeIngress: d.includeIngress };
        assert.equal(allowsDns(base, pod(fx, d.pod), opts), d.allowed);
        const a = dnsAccess(base, pod(fx, d.pod), opts);
        if (d.udp !== undefined) assert.equal(a.udp, d.udp, 'udp');
        if (d.tcp !== undefined) assert.equal(a.tcp, d.tcp, 'tcp');
      });
    }
  });
}

test('fixture case count', () => {
  assert.ok(total > 0);
  console.log(`# netpol fixture cases: ${total} in ${files.length} files`);
});
