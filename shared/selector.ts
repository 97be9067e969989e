/**
 * The one metav1.LabelSelector of the engine (NetworkPolicy pod and namespace
 * selectors, ClusterRole aggregation, the cluster features' live objects,
 * Service selectors): compilation, validation (as ValidateLabelSelector does)
 * and matching (as LabelSelectorAsSelector does). An invalid selector matches
 * nothing (fail closed); an empty one (`{}`) matches everything; an absent
 * (null) one matches nothing (`labelSelectorMatches`).
 */
import type { Path, PolicyProblem } from './netpol/types';

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

/** Labels as a plain object (from YAML or the API) or a Map. Non-string values are compared as text. */
export type Labels = Readonly<Record<string, unknown>> | ReadonlyMap<string, string>;

export function selectorMatches(sel: CompiledSelector, labels: Labels | undefined): boolean {
  if (!sel.valid) return false;
  const map = labels instanceof Map ? (labels as ReadonlyMap<string, string>) : undefined;
  const obj = map || !isObject(labels) ? undefined : (labels as Readonly<Record<string, unknown>>);
  for (const r of sel.requirements) {
    const has = map ? map.has(r.key) : obj !== undefined && Object.prototype.hasOwnProperty.call(obj, r.key);
    const v = has ? String(map ? map.get(r.key) : obj![r.key]) : undefined;
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(v!)) return false;
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

/** Numbers and booleans as their text (YAML reads an unquoted `true` or `1` as a scalar of that type). */
function scalarText(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  return undefined;
}

/**
 * Compile a selector of an object the API server has admitted (a live object, a
 * ClusterRole's aggregationRule as written): no syntax validation of keys and
 * values, scalars read as text, unknown fields ignored. Only what cannot be
 * evaluated — not a mapping, a key that is not a scalar, an unknown operator,
 * In/NotIn without values — makes it invalid (matches nothing).
 */
export function compileStoredSelector(raw: unknown): CompiledSelector {
  const requirements: Requirement[] = [];
  const invalid = { valid: false, requirements };
  if (!isObject(raw)) return invalid;
  let valid = true;
  const ml = raw.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) valid = false;
    else
      for (const k of Object.keys(ml)) {
        const v = scalarText(ml[k]);
        if (v === undefined) valid = false;
        else requirements.push({ key: k, operator: 'In', values: [v] });
      }
  }
  const me = raw.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) valid = false;
    else
      for (const e of me) {
        const key = isObject(e) ? scalarText(e.key) : undefined;
        const op = isObject(e) ? e.operator : undefined;
        const values = isObject(e) && Array.isArray(e.values) ? e.values.map(scalarText).filter((v): v is string => v !== undefined) : [];
        if (key === undefined || !OPERATORS.includes(op as Operator)) {
          valid = false;
          continue;
        }
        if ((op === 'In' || op === 'NotIn') && values.length === 0) valid = false;
        requirements.push({ key, operator: op as Operator, values });
      }
  }
  return { valid, requirements };
}

/**
 * Does a selector of an admitted object select `labels`? An absent selector
 * (undefined, null) selects nothing, an empty one everything.
 */
export function labelSelectorMatches(raw: unknown, labels: Labels | undefined): boolean {
  return raw !== undefined && raw !== null && selectorMatches(compileStoredSelector(raw), labels);
}

/**
 * A Service's `spec.selector` (a plain map, equality only): an empty or
 * absent one selects no pods (the Service has no managed endpoints).
 */
export function mapSelectorMatches(selector: Readonly<Record<string, unknown>> | undefined, labels: Labels | undefined): boolean {
  return isObject(selector) && Object.keys(selector).length > 0 && labelSelectorMatches({ matchLabels: selector }, labels);
}

/** A valid selector without requirements ({}): selects everything. */
export const selectsEverything = (sel: CompiledSelector): boolean => sel.valid && sel.requirements.length === 0;

export const EMPTY_SELECTOR: CompiledSelector = { valid: true, requirements: [] };
