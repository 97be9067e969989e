import { pssRule } from './spec';
import { dropAll, remove, valueAt } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { get, joinQuote, objField, sortedSet, stringList, Path } from '../../pss/util';

export default pssRule({
  id: 'capabilities-restricted',
  level: 'restricted',
  title: 'Capabilities not dropped',
  check: {
    id: 'capabilities_restricted',
    title: 'Containers must drop ALL capabilities and may only add NET_BIND_SERVICE',
    versions: [
      { minor: 22, fn: capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
      { minor: 25, fn: capabilitiesRestricted_1_25, overrides: ['capabilities_baseline'] },
    ],
  },
  docs: {
    summary: 'A container does not drop ALL capabilities, or adds one other than NET_BIND_SERVICE.',
    why: 'Container runtimes grant a default set of capabilities (NET_RAW, CHOWN, SETUID, …) that most applications never use; NET_RAW alone enables ARP and DNS spoofing inside the node network. Dropping ALL and adding back only NET_BIND_SERVICE when a port below 1024 is needed removes that surface.',
    insecure: 'securityContext:\n  capabilities:\n    add: ["CHOWN"]',
    hardened: 'securityContext:\n  capabilities:\n    drop: ["ALL"]\n    add: ["NET_BIND_SERVICE"]',
  },
  fix: (res, path, missing) =>
    missing || path[path.length - 1] === 'drop' ? dropAll(res, path) : remove(() => `Remove capability ${String(valueAt(res, path))}`)(res, path),
});

// The check, ported from Pod Security Admission check_capabilities_restricted.go: v1.22; Windows pods exempt from v1.25.

function capabilitiesRestricted_1_22(ctx: PodContext): CheckOutcome | undefined {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const capObj = objField(c.sc, 'capabilities');
    const dropPath: Path = [...c.path, SC, 'capabilities', 'drop'];
    if (!capObj) {
      missingDropAll.push(c.name);
      locs.push({ path: dropPath, missing: true, message: `${c.label} must set securityContext.capabilities.drop=["ALL"]` });
      continue;
    }
    const drop = get(capObj, 'drop');
    if (!stringList(drop).some(({ value }) => value === 'ALL')) {
      missingDropAll.push(c.name);
      const present = Array.isArray(drop);
      locs.push({
        path: dropPath,
        ...(present ? {} : { missing: true }),
        message: present
          ? `${c.label} must include "ALL" in securityContext.capabilities.drop`
          : `${c.label} must set securityContext.capabilities.drop=["ALL"]`,
      });
    }
    let addedForbidden = false;
    for (const { value, index } of stringList(get(capObj, 'add'))) {
      if (value !== 'NET_BIND_SERVICE') {
        addedForbidden = true;
        forbidden.push(value);
        locs.push({
          path: [...c.path, SC, 'capabilities', 'add', index],
          message: `${c.label} adds capability "${value}" (only NET_BIND_SERVICE may be added)`,
        });
      }
    }
    if (addedForbidden) addingForbidden.push(c.name);
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return undefined;
  // Order locations by container then field, as they were collected.
  return fail('unrestricted capabilities', details.join('; '), locs);
}

function capabilitiesRestricted_1_25(ctx: PodContext): CheckOutcome | undefined {
  return ctx.windows ? undefined : capabilitiesRestricted_1_22(ctx);
}
