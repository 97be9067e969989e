/**
 * Every rule, in one list. Docs (`docs/rules.md`), settings enums and the
 * SARIF rule table are generated from here.
 */
import { Rule } from './types';
import yamlSyntax from './yaml/yaml-syntax';
import yamlDuplicateKey from './yaml/yaml-duplicate-key';
import privilegedContainer from './pss/privileged-container';

export const RULES: readonly Rule[] = [yamlSyntax, yamlDuplicateKey, privilegedContainer];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

export const DOCS_BASE_URL = 'https://github.com/k8s-guardrails/k8s-guardrails/blob/main/docs/rules.md';

/** Link to a rule's documentation (`codeDescription.href`, SARIF `helpUri`). */
export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URL}#${id}`;
}
