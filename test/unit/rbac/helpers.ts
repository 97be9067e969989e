import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { RbacModel, formatChain, type Permission, type RbacFinding, type RbacSource } from '../../../server/src/engine/rbac';

/** Source tree fixtures (compiled tests live in out/test/unit/rbac). */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/rbac');

export interface Ref {
  file: string;
  doc: number;
}

export function refString(src: RbacSource): string {
  const r = src.ref as Ref;
  return `${r.file}#${r.doc}`;
}

export function loadCase(name: string): { sources: RbacSource[]; byRef: Map<string, RbacSource>; expected: any } {
  const dir = path.join(FIXTURES, name);
  const sources: RbacSource[] = [];
  const byRef = new Map<string, RbacSource>();
  for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const docs = yaml.loadAll(fs.readFileSync(path.join(dir, file), 'utf8'));
    docs.forEach((object, doc) => {
      const src: RbacSource = { object, ref: { file, doc } };
      sources.push(src);
      byRef.set(`${file}#${doc}`, src);
    });
  }
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  return { sources, byRef, expected };
}

export function caseNames(): string[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'expected.json')))
    .sort();
}

/** "rbac-wildcard roles.yaml#0 rules.0.verbs" */
export function findingString(f: RbacFinding): string {
  return `${f.rule} ${refString(f.object)} ${f.path.join('.')}`;
}

export function relatedString(r: { object: RbacSource; path: (string | number)[] }, home: RbacSource): string {
  return r.object === home ? r.path.join('.') : `${refString(r.object)} ${r.path.join('.')}`;
}

function groupsAndResources(p: { apiGroups: string[]; resources: string[] }): string {
  return `${p.apiGroups.map((g) => g || 'core').join(',')}/${p.resources.join(',')}`;
}

/** "ns=payments get,list core/secrets#name <= <chain> @ subjects.0" */
export function permissionString(p: Permission): string {
  const parts = [p.clusterWide ? 'cluster' : `ns=${p.namespace}`, p.verbs.join(',')];
  if (p.resources.length) parts.push(groupsAndResources(p) + (p.resourceNames.length ? `#${p.resourceNames.join(',')}` : ''));
  if (p.nonResourceURLs.length) parts.push(`urls=${p.nonResourceURLs.join(',')}`);
  return `${parts.join(' ')} <= ${formatChain(p.chain)} @ ${p.chain.binding.path.join('.')}`;
}

export function effectiveRuleString(e: { rule: { apiGroups: string[]; resources: string[]; verbs: string[] }; via: { kind: string; name: string }[] }): string {
  return `${e.rule.verbs.join(',')} ${groupsAndResources(e.rule)} <= ${e.via.map((v) => `${v.kind} ${v.name}`).join(' > ')}`;
}

export function build(name: string): { model: RbacModel; sources: RbacSource[]; byRef: Map<string, RbacSource>; expected: any } {
  const c = loadCase(name);
  return { ...c, model: new RbacModel(c.sources) };
}
