/** The CLI on the reference articles' NetworkPolicies: the broken ones are reported, the correct ones are not. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../helpers/lsp-client';
import { BIN } from '../helpers/cli';

const REF = path.join(REPO, 'examples/reference');

interface JsonFinding {
  rule: string;
  file: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

function scan(files: string[]): JsonFinding[] {
  const r = spawnSync(process.execPath, [BIN, 'scan', '--format', 'json', ...files], { encoding: 'utf8', cwd: REPO });
  assert.ok(r.stdout, r.stderr);
  return JSON.parse(r.stdout).findings;
}

/** 1-based line of the first line matching `re` at or after line `from`. */
function lineOf(file: string, re: RegExp, from = 1): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = from - 1; i < lines.length; i++) if (re.test(lines[i])) return i + 1;
  throw new Error(`${re} not found in ${file}`);
}

const isNetpol = (f: JsonFinding) => f.rule.startsWith('netpol-') || f.rule === 'missing-network-policy' || f.rule === 'missing-default-deny';
const all = fs.readdirSync(REF).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(REF, f));
const findings = scan(all);
const inFile = (name: string) => findings.filter((f) => path.basename(f.file) === name);

test('dns-egress: the port range string and the duplicate port key are reported', () => {
  const file = path.join(REF, 'pod-security-defense-in-depth.dns-egress.yaml');
  const got = inFile(path.basename(file));
  const port = got.filter((f) => f.rule === 'netpol-invalid-port');
  assert.equal(port.length, 1, JSON.stringify(got, null, 1));
  assert.equal(port[0].range.start.line + 1, lineOf(file, /^\s+port: 1-65535/));
  assert.match(port[0].message, /`port: 1` with `endPort: 65535`/);
  const dup = got.filter((f) => f.rule === 'yaml-duplicate-key');
  assert.equal(dup.length, 1);
  assert.equal(dup[0].range.start.line + 1, lineOf(file, /^\s+port: 443/));
  // The DNS rule itself (kube-dns in kube-system, UDP+TCP 53) is correct: no other NetworkPolicy finding in the file.
  assert.deepEqual(got.filter(isNetpol).map((f) => f.rule), ['netpol-invalid-port']);
});

test('the correct default-deny and DNS policies get no NetworkPolicy findings', () => {
  // default-deny-all (Ingress+Egress) in pod-security-defense-in-depth.networkpolicies.yaml
  const file = path.join(REF, 'pod-security-defense-in-depth.networkpolicies.yaml');
  const start = lineOf(file, /name: default-deny-all/);
  const end = lineOf(file, /^---/, start);
  const onDefaultDeny = inFile(path.basename(file)).filter((f) => isNetpol(f) && f.range.start.line + 1 >= start - 4 && f.range.start.line + 1 < end);
  assert.deepEqual(onDefaultDeny, []);
  // nginx-secure (namespace production) is isolated by default-deny-all and allowed DNS by allow-dns-egress.
  assert.deepEqual(inFile('pod-security-defense-in-depth.nginx-secure-pod.yaml').filter(isNetpol), []);
  // The restrictive egress policies of the English article: only private ranges, nothing to flag.
  assert.deepEqual(inFile('egress-troubleshooting-and-protection.networkpolicies.yaml').filter(isNetpol), []);
});

test('the hardened examples get no NetworkPolicy findings; the insecure ones do', () => {
  const hardened = fs.readdirSync(path.join(REPO, 'examples/hardened')).map((f) => path.join(REPO, 'examples/hardened', f));
  assert.deepEqual(scan(hardened).filter(isNetpol), []);
  const insecure = scan([path.join(REPO, 'examples/insecure/networkpolicy.yaml'), path.join(REPO, 'examples/insecure/namespace.yaml')]).filter(isNetpol);
  // Files are reported in path order, whatever the argument order.
  assert.deepEqual(insecure.map((f) => [path.basename(f.file), f.rule, f.range.start.line + 1]), [
    ['namespace.yaml', 'missing-default-deny', 8],
    ['networkpolicy.yaml', 'netpol-egress-to-internet', 18],
    ['networkpolicy.yaml', 'netpol-invalid-ipblock', 34],
    ['networkpolicy.yaml', 'netpol-invalid-ipblock', 36],
  ]);
  assert.match(insecure.find((f) => f.rule === 'netpol-egress-to-internet')!.message, /allows all ports to the public internet: ipBlock 0\.0\.0\.0\/0/);
});
