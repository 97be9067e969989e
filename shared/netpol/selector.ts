/**
 * metav1.LabelSelector: compilation, validation (as ValidateLabelSelector does)
 * and matching. An invalid selector matches nothing (fail closed).
 */
import type { Path, PolicyProblem } from './types';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export interface CompiledSelector {
  /** false when the selector has any validation error: it then matches nothing. */
  valid: boolean;
  requirements: Requirement[];
}

export const isObject = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Error text for an invalid label key (qualified name), or undefined when valid. */
export function labelKeyError(key: string): string | undefined {
  if (key === '') return 'name part must be non-empty';
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    if (prefix === '') return 'prefix part must be non-empty';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN_RE.test(prefix))
      return 'prefix part must be a lowercase RFC 1123 subdomain';
    name = n;
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!NAME_RE.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

/** Error text for an invalid label value, or undefined when valid. */
export function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!NAME_RE.test(value))
    return "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

const SELECTOR_FIELDS = new Set(['matchLabels', 'matchExpressions']);
const EXPRESSION_FIELDS = new Set(['key', 'operator', 'values']);
const OPERATORS: Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * Compile a selector. `raw` must not be undefined/null (callers decide what absence means).
 * Problems are appended to `problems` with paths under `path`.
 */
export function compileSelector(raw: unknown, path: Path, problems: PolicyProblem[]): CompiledSelector {
  const err = (p: Path, message: string): void => {
    problems.push({ code: 'invalid-selector', severity: 'error', message, path: p });
  };
  const requirements: Requirement[] = [];
  if (!isObject(raw)) {
    err(path, 'a label selector must be an object with matchLabels and/or matchExpressions');
    return { valid: false, requirements };
  }
  const before = problems.length;
  for (const k of Object.keys(raw)) {
    if (!SELECTOR_FIELDS.has(k)) err([...path, k], `unknown field "${k}" in label selector (expected matchLabels or matchExpressions)`);
  }
  const ml = raw.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) err([...path, 'matchLabels'], 'matchLabels must be a map of label keys to string values');
    else {
      for (const [k, v] of Object.entries(ml)) {
        const kp = [...path, 'matchLabels', k];
        const ke = labelKeyError(k);
        if (ke) err(kp, `invalid label key "${k}": ${ke}`);
        if (typeof v !== 'string') {
          err(kp, `label value for "${k}" must be a string (quote it: "${String(v)}")`);
          continue;
        }
        const ve = labelValueError(v);
        if (ve) err(kp, `invalid label value "${v}": ${ve}`);
        requirements.push({ key: k, operator: 'In', values: [v] });
      }
    }
  }
  const me = raw.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) err([...path, 'matchExpressions'], 'matchExpressions must be a list');
    else {
      me.forEach((e: unknown, i: number) => {
        const ep = [...path, 'matchExpressions', i];
        if (!isObject(e)) {
          err(ep, 'a match expression must be an object with key, operator and values');
          return;
        }
        for (const k of Object.keys(e)) {
          if (!EXPRESSION_FIELDS.has(k)) err([...ep, k], `unknown field "${k}" in match expression`);
        }
        const key = e.key;
        if (typeof key !== 'string') err([...ep, 'key'], 'key is required and must be a string');
        else {
          const ke = labelKeyError(key);
          if (ke) err([...ep, 'key'], `invalid label key "${key}": ${ke}`);
        }
        const op = e.operator;
        let values: string[] = [];
        const rawValues = e.values;
        if (rawValues !== undefined && rawValues !== null) {
          if (!Array.isArray(rawValues)) err([...ep, 'values'], 'values must be a list of strings');
          else
            rawValues.forEach((v: unknown, j: number) => {
              if (typeof v !== 'string') err([...ep, 'values', j], 'values must be strings');
              else {
                const ve = labelValueError(v);
                if (ve) err([...ep, 'values', j], `invalid label value "${v}": ${ve}`);
                values.push(v);
              }
            });
        }
        const hasValues = Array.isArray(rawValues) && rawValues.length > 0;
        if (typeof op !== 'string' || !OPERATORS.includes(op as Operator)) {
          err([...ep, 'operator'], `unsupported operator ${JSON.stringify(op)}: must be one of In, NotIn, Exists, DoesNotExist`);
          return;
        }
        if ((op === 'In' || op === 'NotIn') && !hasValues)
          err([...ep, 'values'], `values must be non-empty when operator is ${op}`);
        if ((op === 'Exists' || op === 'DoesNotExist') && hasValues)
          err([...ep, 'values'], `values must be empty when operator is ${op}`);
        if (typeof key === 'string') {
          if (op === 'Exists' || op === 'DoesNotExist') values = [];
          requirements.push({ key, operator: op as Operator, values });
        }
      });
    }
  }
  return { valid: problems.length === before, requirements };
}

export function selectorMatches(sel: CompiledSelector, labels: Record<string, string> | undefined): boolean {
  if (!sel.valid) return false;
  const l = isObject(labels) ? labels : {};
  for (const r of sel.requirements) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? l[r.key] : undefined;
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(String(v))) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(String(v))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A valid selector without requirements ({}): selects everything. */
export const selectsEverything = (sel: CompiledSelector): boolean => sel.valid && sel.requirements.length === 0;

export const EMPTY_SELECTOR: CompiledSelector = { valid: true, requirements: [] };
