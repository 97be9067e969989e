import { appendTo } from '../../fix/edits';
import { defineRule } from '../types';
import { pssModesOf } from '../pss/evaluate';
import { normalizeCapability } from './dangerous-capability';
import { CIS, securityContextOf, workloadContainers, containerWhere } from './util';

const ID = 'net-raw-not-dropped';

function capList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map(normalizeCapability) : [];
}

export default defineRule({
  id: ID,
  family: 'hardening',
  title: 'NET_RAW capability not dropped',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    summary:
      'A container\'s `securityContext.capabilities.drop` contains neither `NET_RAW` nor `ALL` (any case, with or without `CAP_`), where the Pod Security Standards level in force is below restricted. At restricted — the level in force in any mode (enforce, warn or audit) of the namespace, or the configured level — `capabilities-restricted` already demands `drop: ["ALL"]` and this rule stays silent (unless `capabilities-restricted` is off). Not reported: privileged containers (they get every capability whatever `drop` says: `privileged-container` is the finding), containers that `add` NET_RAW (a deliberate choice, reported by `dangerous-capability`), ephemeral containers and Windows pods.',
    why:
      'NET_RAW is in the container runtime\'s default capability set and the baseline level allows it. It lets a compromised container craft raw packets: spoof ARP and DNS answers to the other pods on the node and so intercept their traffic, and it opens kernel code that has had exploitable bugs (CVE-2020-14386, a container escape through AF_PACKET, needed it). Few applications need it (`ping` and some network tools do). The quick fix adds `NET_RAW` to `drop`; it is not part of "fix all", since a container that pings breaks. Better still, drop `ALL` and add back what the application needs.',
    insecure: 'containers:\n- name: app\n  image: registry.example.com/app:1.4.2\n  securityContext:\n    allowPrivilegeEscalation: false',
    hardened: 'containers:\n- name: app\n  image: registry.example.com/app:1.4.2\n  securityContext:\n    allowPrivilegeEscalation: false\n    capabilities:\n      drop: ["ALL"]',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
      CIS,
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    const containers = workloadContainers(res, { notWindows: true });
    if (!containers.length) return;
    if (ctx.settings.rules['capabilities-restricted'] !== 'off' && pssModesOf(res, ctx).some((m) => m.level === 'restricted')) return;
    for (const c of containers) {
      if (c.field === 'ephemeralContainers') continue;
      const sc = securityContextOf(c);
      if (sc?.privileged === true) continue;
      const caps = sc?.capabilities;
      const drop = capList(caps?.drop);
      if (drop.includes('NET_RAW') || drop.includes('ALL')) continue;
      if (capList(caps?.add).some((a) => a === 'NET_RAW' || a === 'ALL')) continue;
      const path = [...c.full, 'securityContext', 'capabilities', 'drop'];
      ctx.report({
        resource: res,
        path,
        message: `${containerWhere(res, c)} keeps the NET_RAW capability (securityContext.capabilities.drop has neither NET_RAW nor ALL): it can spoof ARP and DNS answers to other pods on the node and intercept their traffic; drop NET_RAW, or better ALL.`,
        fixes: () => {
          const edit = caps === undefined || caps === null || typeof caps === 'object' ? appendTo(res, path, 'NET_RAW') : undefined;
          return edit ? [{ title: `Drop NET_RAW on ${containerWhere(res, c)}`, edits: [edit], preferred: true }] : [];
        },
      });
    }
  },
});
