import { pssRule } from './spec';
import { setTo } from './fixes';
import type { PodContext } from '../../pss/context';
import { explicitProfileType, fail, CheckOutcome } from '../../pss/helpers';
import { goQuote, joinQuote, pluralize, sortedSet } from '../../pss/util';

export default pssRule({
  id: 'apparmor-unconfined',
  level: 'baseline',
  title: 'AppArmor profile overridden',
  check: {
    id: 'appArmorProfile',
    title: 'AppArmor profile must not be Unconfined or otherwise overridden (field and annotation)',
    versions: [{ minor: 0, fn: appArmorProfile_1_0 }],
  },
  docs: {
    summary: 'The pod or a container sets an AppArmor profile other than RuntimeDefault or Localhost (field or annotation).',
    why: 'The runtime\'s default AppArmor profile denies writes to /proc and /sys and mounts; `Unconfined` removes it.',
    insecure: 'securityContext:\n  appArmorProfile:\n    type: Unconfined',
    hardened: 'securityContext:\n  appArmorProfile:\n    type: RuntimeDefault',
  },
  fix: (res, path) =>
    path[path.length - 2] === 'annotations' ? setTo('Use runtime/default', 'runtime/default')(res, path) : setTo('Use RuntimeDefault', 'RuntimeDefault')(res, path),
});

// The check, ported from Pod Security Admission check_appArmorProfile.go: v1.0.

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAppArmorAnnotationValue(v: string): boolean {
  return v.length === 0 || v === 'runtime/default' || v.startsWith('localhost/');
}

function allowedAppArmorType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function appArmorProfile_1_0(ctx: PodContext): CheckOutcome | undefined {
  const r = explicitProfileType(ctx, 'appArmorProfile', allowedAppArmorType, 'AppArmor profile');
  const forbiddenAnnotations: string[] = [];
  const locs = [...r.locs];
  for (const [k, v] of ctx.annotations) {
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAppArmorAnnotationValue(v)) {
      forbiddenAnnotations.push(`${k}=${goQuote(v)}`);
      locs.push({ path: ['metadata', 'annotations', k], message: `annotation ${k}=${goQuote(v)} sets a forbidden AppArmor profile` });
    }
  }
  const badSetters = [...r.badSetters];
  const badValueList = sortedSet(r.badValues);
  if (forbiddenAnnotations.length > 0) {
    // sort.Strings without dedup
    forbiddenAnnotations.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    badValueList.push(...forbiddenAnnotations);
    badSetters.push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
  }
  if (badSetters.length === 0) return undefined;
  return fail(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValueList.length),
    `${badSetters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    locs,
  );
}
