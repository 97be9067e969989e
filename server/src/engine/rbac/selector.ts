/** Kubernetes LabelSelector (matchLabels + matchExpressions) for aggregationRule.clusterRoleSelectors. */
import { arr, get, isObj, scalarString } from './util';

export interface CompiledSelector {
  /** False when the selector cannot be evaluated (unknown operator, wrong types) — then it matches nothing. */
  valid: boolean;
  matchLabels: [string, string][];
  expressions: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[] }[];
}

export function compileSelector(x: unknown): CompiledSelector {
  const sel: CompiledSelector = { valid: isObj(x), matchLabels: [], expressions: [] };
  if (!sel.valid) return sel;
  const ml = get(x, 'matchLabels');
  if (ml !== undefined && ml !== null) {
    if (!isObj(ml)) sel.valid = false;
    else
      for (const k of Object.keys(ml)) {
        const v = scalarString(ml[k]);
        if (v === undefined) sel.valid = false;
        else sel.matchLabels.push([k, v]);
      }
  }
  const me = get(x, 'matchExpressions');
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) sel.valid = false;
    for (const e of arr(me)) {
      const key = scalarString(get(e, 'key'));
      const op = get(e, 'operator');
      const values = arr(get(e, 'values'))
        .map(scalarString)
        .filter((v): v is string => v !== undefined);
      if (key === undefined || (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist')) {
        sel.valid = false;
        continue;
      }
      if ((op === 'In' || op === 'NotIn') && values.length === 0) sel.valid = false;
      sel.expressions.push({ key, operator: op, values });
    }
  }
  return sel;
}

/** An empty (valid) selector matches everything, as LabelSelectorAsSelector does. */
export function selectorMatches(sel: CompiledSelector, labels: Map<string, string>): boolean {
  if (!sel.valid) return false;
  for (const [k, v] of sel.matchLabels) if (labels.get(k) !== v) return false;
  for (const e of sel.expressions) {
    const v = labels.get(e.key);
    switch (e.operator) {
      case 'In':
        if (v === undefined || !e.values.includes(v)) return false;
        break;
      case 'NotIn':
        if (v !== undefined && e.values.includes(v)) return false;
        break;
      case 'Exists':
        if (v === undefined) return false;
        break;
      case 'DoesNotExist':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}
