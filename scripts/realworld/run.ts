/**
 * `npm run realworld`: scans the real-world corpus (test/realworld/) and
 * compares the findings summary with the checked-in one; `-- --update`
 * rewrites test/realworld/summary.json and SUMMARY.md instead.
 * Exit status: 0 up to date (or updated), 1 differences found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeSummary, diffSummaries, renderMarkdown, REPO, stableJson, Summary, SUMMARY_JSON, SUMMARY_MD } from './summary';

async function main(): Promise<void> {
  const update = process.argv.includes('--update');
  const started = Date.now();
  const summary = await computeSummary();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const rel = (f: string) => path.relative(REPO, f);
  if (update) {
    fs.writeFileSync(SUMMARY_JSON, stableJson(summary));
    fs.writeFileSync(SUMMARY_MD, renderMarkdown(summary));
    console.log(`realworld: ${summary.total.projects} projects scanned in ${seconds} s; wrote ${rel(SUMMARY_JSON)} and ${rel(SUMMARY_MD)}. Review them with git diff.`);
    return;
  }
  let expected: Summary | undefined;
  try {
    expected = JSON.parse(fs.readFileSync(SUMMARY_JSON, 'utf8'));
  } catch {
    expected = undefined;
  }
  const diff = expected ? diffSummaries(expected, summary) : [`${rel(SUMMARY_JSON)} is missing or not JSON`];
  const mdStale = fs.existsSync(SUMMARY_MD) ? fs.readFileSync(SUMMARY_MD, 'utf8') !== renderMarkdown(summary) : true;
  if (!diff.length && !mdStale) {
    console.log(`realworld: ${summary.total.projects} projects scanned in ${seconds} s; the summary is up to date.`);
    return;
  }
  console.log(`realworld: the findings differ from ${rel(SUMMARY_JSON)} (expected → actual):`);
  for (const l of diff) console.log(`  ${l}`);
  if (!diff.length && mdStale) console.log(`  ${rel(SUMMARY_MD)} is stale`);
  console.log('If the change is intended, run `npm run realworld -- --update` and commit the result.');
  process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 2;
});
