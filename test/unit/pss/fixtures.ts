/**
 * Loading and interpreting the PSS fixtures in test/fixtures/pss/*.yaml.
 *
 * Every document is a Pod whose annotation `pss-test/expect` holds YAML text:
 *
 *   expect:                      # "<level> <versions>" -> exact, ordered list of failing check ids
 *     baseline all: [privileged]
 *     restricted v1.0-v1.21: [privileged]
 *     restricted v1.22+: [privileged, capabilities_restricted]
 *   locations:                   # "<level> <versions>" -> check id -> exact list of location paths
 *     baseline latest:
 *       privileged: ['spec.containers[0].securityContext.privileged']
 *       # a leading "!" marks a location with missing: true
 *   details:                     # "<level> <versions>" -> check id -> exact upstream ForbiddenDetail
 *     baseline latest:
 *       privileged: 'container "app" must not set securityContext.privileged=true'
 *   reasons:                     # same shape, exact ForbiddenReason
 *
 * Version specs: "all" (v1.0 .. v1.<newest+3> and latest), "v1.N+" (v1.N .. and latest), "v1.A-v1.B"
 * (inclusive), "v1.N", "latest", comma-separated. For "expect", the specs of each of baseline and
 * restricted must cover every version; "privileged" is always expected to pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { LATEST_KNOWN_PSS_VERSION, parsePssVersion } from '../../../server/src/engine/pss';

export const NEWEST_MINOR = Number(LATEST_KNOWN_PSS_VERSION.split('.')[1]);
export const MAX_TESTED_MINOR = NEWEST_MINOR + 3;
export const ALL_VERSIONS: string[] = [
  ...Array.from({ length: MAX_TESTED_MINOR + 1 }, (_, i) => `v1.${i}`),
  'latest',
];

export function findFixtureDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'test', 'fixtures', 'pss');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`test/fixtures/pss not found above ${__dirname}`);
}

export function expandVersions(spec: string): string[] {
  const out: string[] = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    let m: RegExpExecArray | null;
    if (part === 'all') out.push(...ALL_VERSIONS);
    else if (part === 'latest') out.push('latest');
    else if ((m = /^v1\.(\d+)\+$/.exec(part))) {
      const from = Number(m[1]);
      for (let i = from; i <= MAX_TESTED_MINOR; i++) out.push(`v1.${i}`);
      out.push('latest');
    } else if ((m = /^v1\.(\d+)-v1\.(\d+)$/.exec(part))) {
      for (let i = Number(m[1]); i <= Number(m[2]); i++) out.push(`v1.${i}`);
    } else if ((m = /^v1\.(\d+)$/.exec(part))) out.push(part);
    else throw new Error(`bad version spec "${part}"`);
  }
  for (const v of out) {
    if (!parsePssVersion(v)) throw new Error(`version ${v} does not parse`);
  }
  return out;
}

export function parseLevelKey(key: string): { level: 'baseline' | 'restricted'; versions: string[] } {
  const m = /^(baseline|restricted)\s+(.+)$/.exec(key.trim());
  if (!m) throw new Error(`bad "<level> <versions>" key "${key}"`);
  return { level: m[1] as 'baseline' | 'restricted', versions: expandVersions(m[2]) };
}

/** 'spec.containers[0].securityContext.privileged', 'metadata.annotations["a/b.c"]' -> path array. */
export function parsePath(text: string): { path: (string | number)[]; missing: boolean } {
  let s = text.trim();
  let missing = false;
  if (s.startsWith('!')) {
    missing = true;
    s = s.slice(1);
  }
  const out: (string | number)[] = [];
  const re = /(?:^|\.)([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`bad path "${text}" at ${pos}`);
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]) as string);
    pos = re.lastIndex;
  }
  return { path: out, missing };
}

export function formatPath(p: readonly (string | number)[]): string {
  let s = '';
  for (const seg of p) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) s += (s ? '.' : '') + seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

export interface FixtureDoc {
  file: string;
  index: number;
  name: string;
  pod: { metadata?: any; spec?: any };
  expect: Record<string, string[]>;
  locations: Record<string, Record<string, string[]>>;
  details: Record<string, Record<string, string>>;
  reasons: Record<string, Record<string, string>>;
}

export function loadFixtures(): FixtureDoc[] {
  const dir = findFixtureDir();
  const docs: FixtureDoc[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    // Read the fixtures the way the product reads manifests (YAML 1.1 booleans, as kubectl).
    for (const parsed of parseYaml(text)) {
      if (parsed.error) throw new Error(`${file}: ${parsed.error.message}`);
      const doc: any = parsed.value;
      if (doc === null || doc === undefined) continue;
      const index = docs.filter((d) => d.file === file).length;
      const name = String(doc?.metadata?.name ?? `#${index}`);
      const raw = doc?.metadata?.annotations?.['pss-test/expect'];
      if (typeof raw !== 'string') throw new Error(`${file} ${name}: missing pss-test/expect annotation`);
      const ex: any = yaml.load(raw);
      docs.push({
        file,
        index,
        name,
        pod: doc,
        expect: ex.expect ?? {},
        locations: ex.locations ?? {},
        details: ex.details ?? {},
        reasons: ex.reasons ?? {},
      });
    }
  }
  return docs;
}
