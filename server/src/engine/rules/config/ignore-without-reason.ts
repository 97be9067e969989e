import { didYouMean } from '../../config';
import { parseIgnoreKey } from '../../suppress';
import { RULES } from '../registry';
import { defineRule } from '../types';

export default defineRule({
  id: 'ignore-without-reason',
  family: 'config',
  title: 'Ignore annotation without a reason, or for an unknown rule',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary: 'An `ignore.k8s-guardrails.io/<rule-id>` annotation has an empty reason or names a rule that does not exist.',
    why: 'An ignore must say why the risk is accepted, so a reviewer can judge it later; an ignore for a misspelt rule id silently ignores nothing. An empty reason does not suppress anything.',
    insecure: 'metadata:\n  annotations:\n    ignore.k8s-guardrails.io/privileged-container: ""',
    hardened: 'metadata:\n  annotations:\n    ignore.k8s-guardrails.io/privileged-container: "CNI agent needs host access; reviewed by platform security"',
  },
  checkResource(res, ctx) {
    if (!res.hasIgnoreAnnotations) return; // no key starts with the ignore prefix
    for (const [key, value] of Object.entries(res.annotations)) {
      const parsed = parseIgnoreKey(key);
      if (!parsed) continue;
      const rule = parsed.rule;
      const ids = RULES.map((r) => r.id);
      if (!ids.includes(rule)) {
        ctx.report({ resource: res, path: ['metadata', 'annotations', key], message: `"${rule}" is not a k8s-guardrails rule${didYouMean(rule, ids)}: this annotation ignores nothing.` });
      } else if (typeof value !== 'string' || value.trim() === '') {
        ctx.report({ resource: res, path: ['metadata', 'annotations', key], message: `Give the reason for ignoring ${rule}: an ignore without a reason does not suppress anything.` });
      }
    }
  },
});
