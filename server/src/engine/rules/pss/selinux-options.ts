import { pssRule } from './spec';
import { remove } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { get, joinQuote, objField, pluralize, sortedSet, str, Obj, Path } from '../../pss/util';

export default pssRule({
  id: 'selinux-options',
  level: 'baseline',
  title: 'Custom SELinux options',
  check: {
    id: 'seLinuxOptions',
    title: 'SELinux type must be a container type; user and role must not be set',
    versions: [{ minor: 0, fn: seLinuxOptions_1_0 }, { minor: 31, fn: seLinuxOptions_1_31 }],
  },
  docs: {
    summary: 'The pod or a container sets an SELinux type other than the container types, or sets an SELinux user or role.',
    why: 'A custom SELinux user, role or type (e.g. spc_t, unconfined_t) lifts the label-based confinement that keeps container processes away from host files.',
    insecure: 'securityContext:\n  seLinuxOptions:\n    type: spc_t',
    hardened: 'securityContext:\n  seLinuxOptions:\n    type: container_t',
  },
  fix: remove((_res, path) => `Remove seLinuxOptions.${String(path[path.length - 1])}`),
});

// The check, ported from Pod Security Admission check_seLinuxOptions.go: v1.0; container_engine_t allowed from v1.31.

const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

function seLinuxOptions(ctx: PodContext, allowedTypes: Set<string>): CheckOutcome | undefined {
  const badSetters: string[] = [];
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;
  const locs: PssLocation[] = [];

  const validate = (opts: Obj, base: Path, who: string): boolean => {
    let valid = true;
    const t = str(get(opts, 'type')) ?? '';
    if (!allowedTypes.has(t)) {
      valid = false;
      badTypes.push(t);
      locs.push({ path: [...base, 'type'], message: `${who} sets forbidden seLinuxOptions.type "${t}"` });
    }
    const user = str(get(opts, 'user')) ?? '';
    if (user.length > 0) {
      valid = false;
      setUser = true;
      locs.push({ path: [...base, 'user'], message: `${who} must not set seLinuxOptions.user` });
    }
    const role = str(get(opts, 'role')) ?? '';
    if (role.length > 0) {
      valid = false;
      setRole = true;
      locs.push({ path: [...base, 'role'], message: `${who} must not set seLinuxOptions.role` });
    }
    return valid;
  };

  const podOpts = objField(ctx.podSC, 'seLinuxOptions');
  if (podOpts && !validate(podOpts, ['spec', SC, 'seLinuxOptions'], 'pod')) badSetters.push('pod');
  const bad: string[] = [];
  for (const c of ctx.containers) {
    const opts = objField(c.sc, 'seLinuxOptions');
    if (opts && !validate(opts, [...c.path, SC, 'seLinuxOptions'], c.label)) bad.push(c.name);
  }
  if (bad.length > 0) badSetters.push(containersPhrase(bad));
  if (badSetters.length === 0) return undefined;
  const data: string[] = [];
  const types = sortedSet(badTypes);
  if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return fail(
    'seLinuxOptions',
    `${badSetters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    locs,
  );
}

function seLinuxOptions_1_0(ctx: PodContext): CheckOutcome | undefined {
  return seLinuxOptions(ctx, SELINUX_TYPES_1_0);
}
function seLinuxOptions_1_31(ctx: PodContext): CheckOutcome | undefined {
  return seLinuxOptions(ctx, SELINUX_TYPES_1_31);
}
