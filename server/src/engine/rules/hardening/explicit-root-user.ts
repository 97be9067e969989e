import { setIn } from '../../fix/edits';
import { isObject } from '../../model';
import { defineRule } from '../types';
import { pssResults } from '../pss/evaluate';
import { CIS, securityContextOf, workloads, kindName } from './util';

function isZero(v: unknown): boolean {
  return v === 0 || (typeof v === 'bigint' && v === BigInt(0));
}

export default defineRule({
  id: 'explicit-root-user',
  family: 'hardening',
  title: 'Explicit runAsUser: 0',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    summary:
      'The pod or a container sets `runAsUser: 0` (root), at any Pod Security Standards level. Where the PSS check `runAsUser` already reports it (level restricted, rule `run-as-user-root`), this rule stays silent.',
    why:
      'An explicit UID 0 runs the process as root whatever the image says: a container escape, a writable hostPath or a kernel bug then hands the attacker root on the node, and file permissions inside the container stop protecting anything. Pod Security Standards only forbid it at the restricted level, so baseline and privileged namespaces accept it silently. Run as a dedicated non-zero UID (65532 is the conventional "nonroot" user of distroless images) and set `runAsNonRoot: true`. The quick fix sets 65532; it is not part of "fix all", because an image that needs root will fail.',
    insecure: 'securityContext:\n  runAsUser: 0',
    hardened: 'securityContext:\n  runAsUser: 65532\n  runAsNonRoot: true',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/', 'https://kubernetes.io/docs/concepts/security/pod-security-standards/', CIS],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const w of workloads(res)) {
      if (w.windows) continue;
      // Already reported by the PSS rule run-as-user-root (unless that rule is turned off).
      if (ctx.settings.rules['run-as-user-root'] !== 'off' && pssResults(res, ctx).some((r) => r.violation.check === 'runAsUser' && r.template === w.tpl)) continue;
      const places: { path: (string | number)[]; label: string }[] = [];
      const podSC = w.tpl.spec.securityContext;
      if (isObject(podSC) && isZero(podSC.runAsUser)) places.push({ path: [...w.specPath, 'securityContext', 'runAsUser'], label: 'the pod spec' });
      for (const c of w.containers) if (isZero(securityContextOf(c)?.runAsUser)) places.push({ path: [...c.full, 'securityContext', 'runAsUser'], label: c.label });
      for (const p of places) {
        ctx.report({
          resource: res,
          path: p.path,
          message: `${p.label[0].toUpperCase()}${p.label.slice(1)} of ${kindName(res, w)} sets runAsUser: 0 and runs as root: a container escape or writable host mount then gives root on the node; use a non-zero UID (e.g. 65532) and runAsNonRoot: true.`,
          fixes: () => {
            const edit = setIn(res, p.path, 65532);
            return edit ? [{ title: `Set runAsUser: 65532 on ${p.label}`, edits: [edit], preferred: true }] : [];
          },
        });
      }
    }
  },
});
