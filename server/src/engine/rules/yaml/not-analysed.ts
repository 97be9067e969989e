/**
 * A file the analysis did not look at — unreadable, over the size limit, a
 * template that is not YAML, stopped by the time limit — is an error, never a
 * silent pass. Not configurable: a specific file can be ignored through the
 * configuration file only, with a reason.
 */
import { SourceFile } from '../../model';
import { defineRule, Report } from '../types';

/** The report for a file that was not (fully) analysed: its first line, the reason in the message. */
export function notAnalysedReport(file: SourceFile, reason: string, partly = false): Report {
  const lines = file.lines;
  const what = partly ? 'The findings shown for this file may be incomplete' : 'Nothing in this file was checked';
  return {
    file,
    range: lines.range(0, lines.lineEnd(0)),
    message: `Not analysed: ${reason}. ${what}, so it does not pass; fix the cause, or ignore this file in .k8s-guardrails.yaml with a reason.`,
  };
}

export default defineRule({
  id: 'not-analysed',
  family: 'yaml',
  title: 'File not analysed',
  defaultSeverity: 'error',
  locked: true,
  fix: 'none',
  docs: {
    summary: 'A file that was not analysed — unreadable, over the size limit, a template that is not YAML, or stopped by the time limit; the message says which.',
    why:
      'A security gate must never pass what it did not look at: a privileged pod in a file over the size limit is still a privileged pod. Every input that is not analysed is an error on its first line, fails the scan like any error (exit 1) and appears in SARIF. The rule cannot be turned off or re-graded (`--disable`, `rules:` and the editor setting refuse it); to accept a specific file unanalysed, add an `ignore:` entry with its `path` and a `reason` to `.k8s-guardrails.yaml`. Files that parse as YAML are analysed even when their values contain `{{ … }}` (Grafana dashboards, PrometheusRules); only a file that does not parse and contains `{{ … }}` is taken for a template. Helm chart templates are analysed only as rendered by helm.',
    insecure: '# .k8s-guardrails.yaml — nothing: a 70 MiB generated file over the limit fails the scan',
    hardened: 'ignore:\n  - rule: not-analysed\n    path: generated/crds.yaml\n    reason: generated CRDs, no workloads; checked upstream',
    references: ['https://github.com/k8s-guardrails/k8s-guardrails/blob/main/docs/cli.md#not-analysed'],
  },
  checkFile(file, ctx) {
    if (file.skipped) ctx.report(notAnalysedReport(file, file.skipped));
  },
});
