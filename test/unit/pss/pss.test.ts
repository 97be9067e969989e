/**
 * Data-driven Pod Security Standards tests: every document of test/fixtures/pss/*.yaml is a Pod
 * carrying its expected results (see fixtures.ts for the format).
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluatePss, parsePssVersion, PSS_CHECKS } from '../../../server/src/engine/pss';
import type { PssViolation } from '../../../server/src/engine/pss';
import { ALL_VERSIONS, formatPath, loadFixtures, parseLevelKey, parsePath } from './fixtures';

const docs = loadFixtures();
const KNOWN_IDS = new Set(PSS_CHECKS.map((c) => c.id));

function run(pod: unknown, level: 'privileged' | 'baseline' | 'restricted', version: string): PssViolation[] {
  const v = parsePssVersion(version);
  assert.ok(v, `version ${version}`);
  // Evaluate a deep copy so that mutation by the engine would be detected below.
  const before = JSON.stringify(pod);
  const res = evaluatePss(pod as any, level, v);
  assert.equal(JSON.stringify(pod), before, 'evaluatePss must not mutate its input');
  return res;
}

describe('PSS fixtures', () => {
  test('fixtures were found', () => {
    assert.ok(docs.length >= 50, `only ${docs.length} fixture documents`);
  });

  for (const doc of docs) {
    describe(`${doc.file} #${doc.index} ${doc.name}`, () => {
      test('expected check ids at every level and version', () => {
        const covered: Record<'baseline' | 'restricted', Set<string>> = { baseline: new Set(), restricted: new Set() };
        for (const [key, ids] of Object.entries(doc.expect)) {
          const { level, versions } = parseLevelKey(key);
          assert.ok(Array.isArray(ids), `${key}: expected a list`);
          for (const id of ids) assert.ok(KNOWN_IDS.has(id as any), `${key}: unknown check id ${id}`);
          for (const version of versions) {
            assert.ok(!covered[level].has(version), `${key}: ${level} ${version} listed twice`);
            covered[level].add(version);
            const got = run(doc.pod, level, version).map((v) => v.check);
            assert.deepEqual(got, ids, `${level} ${version}`);
          }
        }
        for (const level of ['baseline', 'restricted'] as const) {
          const missing = ALL_VERSIONS.filter((v) => !covered[level].has(v));
          assert.deepEqual(missing, [], `expectations for ${level} must cover every version`);
        }
        for (const version of ['v1.0', 'v1.25', 'latest']) {
          assert.deepEqual(run(doc.pod, 'privileged', version), [], `privileged ${version}`);
        }
      });

      test('violations are well formed', () => {
        for (const level of ['baseline', 'restricted'] as const) {
          for (const version of ['v1.0', 'v1.19', 'v1.25', 'latest']) {
            for (const v of run(doc.pod, level, version)) {
              const info = PSS_CHECKS.find((c) => c.id === v.check);
              assert.ok(info, v.check);
              assert.equal(v.level, info.level);
              assert.ok(v.reason.length > 0);
              assert.ok(v.locations.length > 0, `${v.check}: no locations`);
              for (const loc of v.locations) {
                assert.ok(loc.message.length > 0);
                assert.ok(loc.path[0] === 'spec' || loc.path[0] === 'metadata', formatPath(loc.path));
              }
            }
          }
        }
      });

      for (const [kind, table] of [['locations', doc.locations], ['details', doc.details], ['reasons', doc.reasons]] as const) {
        if (Object.keys(table).length === 0) continue;
        test(kind, () => {
          for (const [key, byCheck] of Object.entries(table)) {
            const { level, versions } = parseLevelKey(key);
            for (const version of versions) {
              const res = run(doc.pod, level, version);
              for (const [check, want] of Object.entries(byCheck as Record<string, unknown>)) {
                const v = res.find((r) => r.check === check);
                assert.ok(v, `${level} ${version}: ${check} did not fire`);
                if (kind === 'locations') {
                  const got = v.locations.map((l) => (l.missing ? '!' : '') + formatPath(l.path));
                  const expected = (want as string[]).map((p) => {
                    const parsed = parsePath(p);
                    return (parsed.missing ? '!' : '') + formatPath(parsed.path);
                  });
                  assert.deepEqual(got, expected, `${level} ${version} ${check} locations`);
                  for (const l of v.locations) assert.ok(l.missing === true || l.missing === undefined);
                } else if (kind === 'details') {
                  assert.equal(v.detail, want, `${level} ${version} ${check} detail`);
                } else {
                  assert.equal(v.reason, want, `${level} ${version} ${check} reason`);
                }
              }
            }
          }
        });
      }
    });
  }
});
