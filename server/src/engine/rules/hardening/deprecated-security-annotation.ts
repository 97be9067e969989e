import { editSequence, removeKey, setIn, YamlValue } from '../../fix/edits';
import { isObject } from '../../model';
import { Fix, defineRule } from '../types';
import { WorkloadContainer, kindName, workloads } from './util';

const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_CONTAINER = 'container.apparmor.security.beta.kubernetes.io/';

type Profile = { type: 'RuntimeDefault' | 'Unconfined' } | { type: 'Localhost'; localhostProfile: string };

/** The securityContext field value equivalent to an annotation value, or undefined when it has none. */
export function profileFromAnnotation(kind: 'seccomp' | 'apparmor', value: string): Profile | undefined {
  const v = value.trim();
  if (v === 'runtime/default' || (kind === 'seccomp' && v === 'docker/default')) return { type: 'RuntimeDefault' };
  if (v === 'unconfined') return { type: 'Unconfined' };
  if (v.startsWith('localhost/') && v.length > 'localhost/'.length) return { type: 'Localhost', localhostProfile: v.slice('localhost/'.length) };
  return undefined;
}

function flow(p: Profile): string {
  return p.type === 'Localhost' ? `{type: Localhost, localhostProfile: ${p.localhostProfile}}` : `{type: ${p.type}}`;
}

export default defineRule({
  id: 'deprecated-security-annotation',
  family: 'hardening',
  title: 'Deprecated seccomp/AppArmor annotation',
  defaultSeverity: 'warning',
  fix: 'sometimes',
  docs: {
    summary:
      'The pod template sets a deprecated security annotation: `seccomp.security.alpha.kubernetes.io/pod`, `container.seccomp.security.alpha.kubernetes.io/<container>` or `container.apparmor.security.beta.kubernetes.io/<container>`.',
    why:
      'Seccomp profiles moved to `securityContext.seccompProfile` in Kubernetes v1.19 and recent versions no longer apply the annotations, so a pod that relies on them may run without the profile its author intended; AppArmor profiles moved to `securityContext.appArmorProfile` in v1.30 and the annotations are deprecated and due for removal. Annotations on a Deployment\'s own metadata (rather than its pod template) never had any effect. The quick fix moves the setting to the field at the same level (`runtime/default`/`docker/default` → `RuntimeDefault`, `localhost/<profile>` → `Localhost` with `localhostProfile`, `unconfined` → `Unconfined`) and removes the annotation in one edit; when the field is already set, or the annotation names no container of the pod, it only removes the annotation. Moving `unconfined` is not part of "fix all": consider `RuntimeDefault` instead.',
    insecure:
      'template:\n  metadata:\n    annotations:\n      seccomp.security.alpha.kubernetes.io/pod: runtime/default\n      container.apparmor.security.beta.kubernetes.io/app: localhost/k8s-app\n  spec:\n    containers:\n    - name: app',
    hardened:
      'template:\n  spec:\n    securityContext:\n      seccompProfile:\n        type: RuntimeDefault\n    containers:\n    - name: app\n      securityContext:\n        appArmorProfile:\n          type: Localhost\n          localhostProfile: k8s-app',
    references: [
      'https://kubernetes.io/docs/tutorials/security/seccomp/',
      'https://kubernetes.io/docs/tutorials/security/apparmor/',
      'https://kubernetes.io/docs/reference/labels-annotations-taints/',
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const w of workloads(res)) {
      const annotations = w.tpl.metadata.annotations;
      if (!isObject(annotations)) continue;
      for (const key of Object.keys(annotations)) {
        let kind: 'seccomp' | 'apparmor';
        let container: WorkloadContainer | undefined;
        let containerName: string | undefined;
        if (key === SECCOMP_POD) kind = 'seccomp';
        else if (key.startsWith(SECCOMP_CONTAINER) || key.startsWith(APPARMOR_CONTAINER)) {
          kind = key.startsWith(SECCOMP_CONTAINER) ? 'seccomp' : 'apparmor';
          containerName = key.slice((kind === 'seccomp' ? SECCOMP_CONTAINER : APPARMOR_CONTAINER).length);
          container = w.containers.find((c) => c.container.name === containerName);
        } else continue;
        const raw = annotations[key];
        // Annotation values must be strings; anything else (a map, a list) is not a profile.
        const value = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
        const field = kind === 'seccomp' ? 'seccompProfile' : 'appArmorProfile';
        const annPath = [...w.tpl.path, 'metadata', 'annotations', key];
        const level = containerName === undefined ? 'the pod' : container ? container.label : `container "${containerName}"`;
        const fieldPath = containerName === undefined ? [...w.specPath, 'securityContext', field] : container ? [...container.full, 'securityContext', field] : undefined;
        const scOwner = containerName === undefined ? w.tpl.spec.securityContext : container?.container.securityContext;
        const existing = isObject(scOwner) && isObject(scOwner[field]) ? scOwner[field] : undefined;
        const profile = profileFromAnnotation(kind, value);
        const state = kind === 'seccomp' ? 'deprecated since Kubernetes v1.19 and no longer applied by recent versions' : 'deprecated since Kubernetes v1.30 and due for removal';
        let advice: string;
        if (containerName !== undefined && !container) advice = `it names no container of this pod, so it has no effect; remove it`;
        else if (existing) advice = `securityContext.${field} is already set on ${level} and takes precedence; remove the annotation`;
        else if (profile) advice = `set securityContext.${field}: ${flow(profile)} on ${level} instead`;
        else advice = `set securityContext.${field} on ${level} instead (the value is not one the annotation accepts: runtime/default, localhost/<profile> or unconfined)`;
        ctx.report({
          resource: res,
          path: annPath,
          message: `Annotation ${key}${res.name && w.where === undefined ? '' : ` of ${kindName(res, w)}`} is ${state}: ${advice}.`,
          fixes: (): Fix[] => {
            const remove = (r: typeof res) => removeKey(r, annPath);
            if (!fieldPath || existing) {
              const edit = removeKey(res, annPath);
              return edit ? [{ title: `Remove deprecated annotation ${key}`, edits: [edit], fixAll: true, preferred: true }] : [];
            }
            if (!profile) return [];
            const target = fieldPath;
            const value: YamlValue = { ...profile };
            // The field must be settable here (e.g. securityContext is a mapping), or the annotation would just be lost.
            if (!setIn(res, target, value)) return [];
            const edit = editSequence(res, [(r) => setIn(r, target, value), remove]);
            return edit
              ? [{ title: `Move ${key} to securityContext.${field} of ${level}`, edits: [edit], fixAll: profile.type !== 'Unconfined', preferred: true }]
              : [];
          },
        });
      }
    }
  },
});
