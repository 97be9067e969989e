import { setIn } from '../../fix/edits';
import { defineRule } from '../types';
import { CIS, securityContextOf, workloadContainers, containerWhere } from './util';

export default defineRule({
  id: 'read-only-root-filesystem',
  family: 'hardening',
  title: 'Writable root file system',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    summary: 'A container or init container does not set `securityContext.readOnlyRootFilesystem: true`.',
    why:
      'With a writable root file system an attacker who gets code execution can drop tools and binaries, modify the application or its configuration, and persist until the container restarts. A read-only root file system makes the image immutable at run time; give the application writable `emptyDir` volumes only where it really writes (e.g. `/tmp`). Not applicable to Windows pods (`spec.os.name: windows`), which are skipped. The quick fix is not part of "fix all": check that the application does not write outside its volumes first.',
    insecure: 'containers:\n- name: app\n  image: nginx:1.27\n  securityContext:\n    allowPrivilegeEscalation: false',
    hardened:
      'containers:\n- name: app\n  image: nginx:1.27\n  securityContext:\n    allowPrivilegeEscalation: false\n    readOnlyRootFilesystem: true\n  volumeMounts:\n  - name: tmp\n    mountPath: /tmp\nvolumes:\n- name: tmp\n  emptyDir: {}',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      'https://kubernetes.io/docs/concepts/security/security-checklist/#pod-security',
      CIS,
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of workloadContainers(res, { notWindows: true })) {
      if (c.field === 'ephemeralContainers') continue;
      const sc = securityContextOf(c);
      const value = sc?.readOnlyRootFilesystem;
      if (value === true) continue;
      const path = [...c.full, 'securityContext', 'readOnlyRootFilesystem'];
      ctx.report({
        resource: res,
        path,
        message:
          value === false
            ? `${containerWhere(res, c)} sets securityContext.readOnlyRootFilesystem: false: the image can be modified at run time; set it to true and mount emptyDir volumes where the application writes.`
            : `${containerWhere(res, c)} does not set securityContext.readOnlyRootFilesystem: true: the image can be modified at run time; set it and mount emptyDir volumes where the application writes.`,
        fixes: () => {
          const edit = sc || c.container.securityContext === undefined || c.container.securityContext === null ? setIn(res, path, true) : undefined;
          return edit ? [{ title: `Set readOnlyRootFilesystem: true on ${containerWhere(res, c)}`, edits: [edit], preferred: true }] : [];
        },
      });
    }
  },
});
