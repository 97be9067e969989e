/** Unit tests for selector parsing, patches and /proc/net rendering. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { ExecContext, ipv4ToProcHex, ipv6ToProcHex, renderProcNet, runCommand } from './runtime';
import { ApiError, matchLabelRequirements, parseFieldSelector, parseLabelSelector } from './store';

describe('label selectors', () => {
  const l = { app: 'web', tier: 'front', env: 'prod' };
  const m = (s: string, labels: Record<string, string> = l) => matchLabelRequirements(parseLabelSelector(s), labels);
  it('supports =, ==, !=, in, notin, exists and !key', () => {
    assert.ok(m('app=web'));
    assert.ok(m('app==web'));
    assert.ok(!m('app!=web'));
    assert.ok(m('missing!=x'));
    assert.ok(m('env in (prod, staging)'));
    assert.ok(!m('env notin (prod,staging)'));
    assert.ok(m('missing notin (a)'));
    assert.ok(m('tier'));
    assert.ok(!m('!tier'));
    assert.ok(m('!missing,app=web, env in (prod)'));
    assert.ok(m('', {}));
    assert.ok(m('example.com/role=x', { 'example.com/role': 'x' }));
  });
  it('rejects malformed selectors with a 400', () => {
    assert.throws(() => parseLabelSelector('app in prod'), (e: ApiError) => e.code === 400);
    assert.throws(() => parseLabelSelector('app=web=x'), (e: ApiError) => e.code === 400);
    assert.throws(() => parseFieldSelector('metadata.name'), (e: ApiError) => e.code === 400);
  });
});

describe('patches', () => {
  it('merge patch deletes nulls and replaces lists', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] }), { a: 1, b: { d: 3, e: 4 }, l: [3] });
  });
  it('strategic merge patch merges containers by name and honours directives', () => {
    const pod = { spec: { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'b:1' }], finalizers: ['x'] } };
    const out = strategicMergePatch(pod, {
      spec: {
        $setElementOrder: {}, containers: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }, { name: 'a', $patch: 'delete' }],
      },
    }) as { spec: { containers: Array<{ name: string; image: string }> } };
    assert.deepEqual(out.spec.containers.map((c) => `${c.name}=${c.image}`), ['b=b:2', 'c=c:1']);
    const ports = strategicMergePatch(pod, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 443 }] }] } }) as { spec: { containers: Array<{ ports?: unknown[] }> } };
    assert.equal(ports.spec.containers[0].ports!.length, 2);
    const rep = strategicMergePatch({ m: { a: 1, b: 2 } }, { m: { $patch: 'replace', c: 3 } });
    assert.deepEqual(rep, { m: { c: 3 } });
    const fin = strategicMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { $deleteFromPrimitiveList: undefined, '$deleteFromPrimitiveList/finalizers': ['a'] } });
    assert.deepEqual(fin, { metadata: { finalizers: ['b'] } });
  });
  it('JSON patch implements add/remove/replace/move/copy/test', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const out = jsonPatch(doc, [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'add', path: '/a/b/0', value: 0 },
      { op: 'remove', path: '/a/b/1' },
      { op: 'replace', path: '/c', value: 'y' },
      { op: 'copy', from: '/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e~1f' },
      { op: 'test', path: '/c', value: 'y' },
    ]);
    assert.deepEqual(out, { a: { b: [0, 2, 3] }, c: 'y', 'e/f': 'y' });
    assert.deepEqual(doc, { a: { b: [1, 2] }, c: 'x' }, 'input untouched');
    assert.throws(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }]), (e: ApiError) => e.code === 422);
  });
});

describe('/proc/net rendering', () => {
  it('encodes addresses in host (little-endian) order like the kernel', () => {
    assert.equal(ipv4ToProcHex('127.0.0.1'), '0100007F');
    assert.equal(ipv4ToProcHex('10.0.0.1'), '0100000A');
    assert.equal(ipv6ToProcHex('::1'), '00000000000000000000000001000000');
    assert.equal(ipv6ToProcHex('::'), '00000000000000000000000000000000');
    assert.equal(ipv6ToProcHex('::ffff:127.0.0.1'), '0000000000000000FFFF00000100007F');
    assert.equal(ipv6ToProcHex('2001:db8::1'), 'B80D0120000000000000000001000000');
  });
  it('renders tcp with the padded header and state codes', () => {
    const text = renderProcNet('tcp', [
      { proto: 'tcp', local: '127.0.0.1:8080', state: 'LISTEN' },
      { proto: 'tcp', local: '10.1.2.3:40000', remote: '203.0.113.50:443', state: 'ESTABLISHED', uid: 1000 },
    ]);
    const lines = text.split('\n');
    assert.equal(lines[0].length, 149);
    assert.match(lines[1], /^ {3}0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 {5}0 {8}0 \d+ 1 0{16} /);
    assert.match(lines[2], /^ {3}1: 0302010A:9C40 327100CB:01BB 01 .* 1000 /);
    assert.equal(lines[3], '');
    const udp6 = renderProcNet('udp6', []);
    assert.match(udp6, /^ {2}sl {2}local_address {25}remote_address {24}st tx_queue rx_queue tr tm->when retrnsmt {3}uid {2}timeout inode ref pointer drops\n$/);
  });
});

describe('exec shell', () => {
  const pod = { metadata: { name: 'p1', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'app:1', ports: [{ containerPort: 8080 }] }] }, status: { podIP: '10.244.1.9' } };
  const ctx = (distroless = false): ExecContext => ({ pod, containerName: 'c', container: pod.spec.containers[0], podRuntime: {}, containerRuntime: { distroless } });
  it('runs scripts with pipes, && / || and quoting', () => {
    assert.equal(runCommand(ctx(), ['sh', '-c', 'cat /proc/net/tcp | head -n 1 | cat']).stdout.length, 150);
    assert.equal(runCommand(ctx(), ['sh', '-c', 'false && echo no || echo "yes  sir"; echo \'a;b\'']).stdout, 'yes  sir\na;b\n');
    const nf = runCommand(ctx(), ['sh', '-c', 'curl http://x']);
    assert.equal(nf.exitCode, 127);
    assert.match(nf.stderr, /curl: not found/);
    assert.match(runCommand(ctx(), ['cat', '/proc/net/tcp']).stdout, /00000000:1F90 00000000:0000 0A/);
  });
  it('fails like the runtime for missing binaries and distroless images', () => {
    assert.equal(runCommand(ctx(), ['curl', 'x']).runtimeError, 'exec: "curl": executable file not found in $PATH');
    assert.equal(runCommand(ctx(true), ['sh', '-c', 'true']).runtimeError, 'exec: "sh": executable file not found in $PATH');
  });
});
