import { pssRule } from './spec';
import { setTo } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { explicitProfileType, fail, validSeccompType, CheckOutcome } from '../../pss/helpers';
import { goQuote, joinQuote, pluralize, sortedSet } from '../../pss/util';

export default pssRule({
  id: 'seccomp-unconfined',
  level: 'baseline',
  title: 'Seccomp explicitly Unconfined',
  check: {
    id: 'seccompProfile_baseline',
    title: 'Seccomp profile must not be Unconfined',
    versions: [{ minor: 0, fn: seccompProfileBaseline_1_0 }, { minor: 19, fn: seccompProfileBaseline_1_19 }],
  },
  docs: {
    summary: 'The pod or a container sets its seccomp profile to `Unconfined` (field or deprecated annotation).',
    why: 'Seccomp filters block dozens of rarely needed system calls (keyctl, unshare, ptrace, bpf…) that are behind many container escapes. Unconfined removes that filter entirely.',
    insecure: 'securityContext:\n  seccompProfile:\n    type: Unconfined',
    hardened: 'securityContext:\n  seccompProfile:\n    type: RuntimeDefault',
  },
  fix: (res, path) =>
    path[path.length - 2] === 'annotations' ? setTo('Use runtime/default', 'runtime/default')(res, path) : setTo('Use RuntimeDefault', 'RuntimeDefault')(res, path),
});

// The check, ported from Pod Security Admission check_seccompProfile_baseline.go: the annotations at v1.0, the fields from v1.19.

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';


function validSeccompAnnotationValue(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

function seccompProfileBaseline_1_0(ctx: PodContext): CheckOutcome | undefined {
  const forbidden: string[] = [];
  const locs: PssLocation[] = [];
  const seen = new Set<string>();
  const consider = (key: string) => {
    if (!ctx.annotations.has(key)) return;
    const val = ctx.annotations.get(key) ?? '';
    if (validSeccompAnnotationValue(val)) return;
    forbidden.push(`${key}=${goQuote(val)}`);
    if (!seen.has(key)) {
      seen.add(key);
      locs.push({ path: ['metadata', 'annotations', key], message: `annotation ${key}=${goQuote(val)} sets a forbidden seccomp profile` });
    }
  };
  consider(SECCOMP_POD_ANNOTATION);
  for (const c of ctx.containers) consider(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name);
  if (forbidden.length === 0) return undefined;
  const list = sortedSet(forbidden);
  return fail('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`, locs);
}

function seccompProfileBaseline_1_19(ctx: PodContext): CheckOutcome | undefined {
  const r = explicitProfileType(ctx, 'seccompProfile', validSeccompType, 'seccomp profile');
  if (r.badSetters.length === 0) return undefined;
  return fail(
    'seccompProfile',
    `${r.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(r.badValues))}`,
    r.locs,
  );
}
