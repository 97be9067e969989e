import type { SubjectKind, SubjectRef } from './types';
import { get, isObj, name } from './util';

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/**
 * Parses a subject:
 *   "serviceaccount:ns:name" | "sa:ns:name" | "system:serviceaccount:ns:name" | "user:alice" | "group:devs"
 * or an object { kind: "User"|"Group"|"ServiceAccount", name, namespace? } (kind case-insensitive).
 * A User named "system:serviceaccount:ns:name" is that ServiceAccount. Returns undefined when unparseable.
 */
export function parseSubject(input: unknown): SubjectRef | undefined {
  if (typeof input === 'string') {
    const s = input.trim();
    let m = SA_USER.exec(s);
    if (m) return { kind: 'ServiceAccount', namespace: m[1], name: m[2] };
    m = /^(?:serviceaccount|sa):([^:]+):([^:]+)$/i.exec(s);
    if (m) return { kind: 'ServiceAccount', namespace: m[1], name: m[2] };
    m = /^user:(.+)$/i.exec(s);
    if (m) return userOrSa(m[1]);
    m = /^group:(.+)$/i.exec(s);
    if (m) return { kind: 'Group', name: m[1] };
    return undefined;
  }
  if (!isObj(input)) return undefined;
  const kind = normalizeKind(get(input, 'kind'));
  const n = name(get(input, 'name'));
  if (!kind || !n) return undefined;
  if (kind === 'ServiceAccount') {
    const ns = name(get(input, 'namespace'));
    return ns ? { kind, name: n, namespace: ns } : undefined;
  }
  return kind === 'User' ? userOrSa(n) : { kind, name: n };
}

function userOrSa(n: string): SubjectRef {
  const m = SA_USER.exec(n);
  return m ? { kind: 'ServiceAccount', namespace: m[1], name: m[2] } : { kind: 'User', name: n };
}

export function normalizeKind(k: unknown): SubjectKind | undefined {
  if (typeof k !== 'string') return undefined;
  switch (k.toLowerCase()) {
    case 'user':
      return 'User';
    case 'group':
      return 'Group';
    case 'serviceaccount':
      return 'ServiceAccount';
    default:
      return undefined;
  }
}

/** Canonical key: "serviceaccount:ns:name" | "user:name" | "group:name". */
export function subjectKey(s: SubjectRef): string {
  if (s.kind === 'ServiceAccount') return `serviceaccount:${s.namespace ?? ''}:${s.name}`;
  return `${s.kind === 'User' ? 'user' : 'group'}:${s.name}`;
}

export function formatSubject(s: SubjectRef): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount ${s.namespace ?? '?'}/${s.name}`;
  return `${s.kind} ${s.name}`;
}

/**
 * Every key the authorizer matches for a subject: itself plus its implicit groups.
 * ServiceAccount → system:serviceaccounts, system:serviceaccounts:<ns>, system:authenticated.
 * User → system:authenticated (system:anonymous → system:unauthenticated). Group → itself.
 */
export function identityKeys(s: SubjectRef): string[] {
  const own = subjectKey(s);
  if (s.kind === 'ServiceAccount') {
    return [own, 'group:system:serviceaccounts', `group:system:serviceaccounts:${s.namespace ?? ''}`, 'group:system:authenticated'];
  }
  if (s.kind === 'User') {
    return s.name === 'system:anonymous' ? [own, 'group:system:unauthenticated'] : [own, 'group:system:authenticated'];
  }
  return [own];
}

/** Subjects whose holders are (nearly) everyone: every ServiceAccount, every authenticated user, anonymous. */
export function isBroadSubject(s: SubjectRef): boolean {
  if (s.kind === 'Group') {
    return (
      s.name === 'system:authenticated' ||
      s.name === 'system:unauthenticated' ||
      s.name === 'system:serviceaccounts' ||
      s.name.startsWith('system:serviceaccounts:')
    );
  }
  return s.kind === 'User' && s.name === 'system:anonymous';
}
