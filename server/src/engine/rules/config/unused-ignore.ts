/**
 * Reported by analyze.ts itself (it needs every other rule's findings): an
 * ignore that suppresses nothing — a config `ignore:` entry or a stale
 * `ignore.k8s-guardrails.io/...` annotation.
 */
import { defineRule } from '../types';

export default defineRule({
  id: 'unused-ignore',
  family: 'config',
  title: 'Ignore that suppresses nothing',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary: 'An `ignore:` entry in `.k8s-guardrails.yaml`, or an `ignore.k8s-guardrails.io/<rule-id>` annotation, matches no finding in the analysed files.',
    why: 'A stale ignore is silent risk: once the finding it was written for is gone, it will hide the next, unrelated one. Remove it, or fix its selectors if it was meant to match.',
    insecure: 'metadata:\n  annotations:\n    # the container is no longer privileged\n    ignore.k8s-guardrails.io/privileged-container: "CNI agent; reviewed"',
    hardened: 'metadata:\n  annotations: {}',
  },
});
