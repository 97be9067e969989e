import { isObject } from '../../model';
import { defineRule } from '../types';
import { workloadContainers, containerWhere } from './util';
import { SECRET_AS_FILE } from './literal-secret-in-env';

export default defineRule({
  id: 'secret-in-env-var',
  family: 'hardening',
  title: 'Secret injected as environment variables',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A container takes a Secret as environment variables: one key through `env[].valueFrom.secretKeyRef`, or every key through `envFrom[].secretRef`. Containers, init containers and ephemeral containers are checked. Informational: turn it off with `secret-in-env-var: off` under `rules:` in `.k8s-guardrails.yaml`, `--disable secret-in-env-var` on the command line, or `"secret-in-env-var": "off"` in the `k8sGuardrails.rules` editor setting.',
    why:
      'Environment variables are copied into every child process, printed by crash handlers, debug endpoints and error reports, visible in `/proc/<pid>/environ` to anything that shares the process namespace, and fixed for the life of the container: a rotated Secret is not seen until the pod restarts. A Secret mounted as a volume is a file only the container reads, with its own permissions (`defaultMode`), and it is updated in place when the Secret changes (CIS Kubernetes Benchmark 5.4.1: prefer using Secrets as files over Secrets as environment variables). `secretKeyRef` is still far better than a literal value in the manifest (see `literal-secret-in-env`). No quick fix: the application has to read the file instead of the variable (many accept a `…_FILE` variable for that).',
    insecure: 'env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db-credentials\n      key: password\nenvFrom:\n- secretRef:\n    name: api-keys',
    hardened: `${SECRET_AS_FILE.hardened}\n    defaultMode: 0400`,
    references: SECRET_AS_FILE.references,
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of workloadContainers(res)) {
      const { env, envFrom } = c.container;
      if (Array.isArray(env))
        env.forEach((e: unknown, index: number) => {
          if (!isObject(e) || !isObject(e.valueFrom) || !isObject(e.valueFrom.secretKeyRef)) return;
          const ref = e.valueFrom.secretKeyRef;
          const secret = typeof ref.name === 'string' ? `Secret "${ref.name}"` : 'a Secret';
          const key = typeof ref.key === 'string' ? ` (key ${ref.key})` : '';
          const name = typeof e.name === 'string' ? e.name : `#${index}`;
          ctx.report({
            resource: res,
            path: [...c.full, 'env', index, 'valueFrom', 'secretKeyRef'],
            message: `${containerWhere(res, c)} takes environment variable ${name} from ${secret}${key}: environment variables leak into child processes, logs and crash reports and do not follow rotation; mount the Secret as a file instead (CIS 5.4.1).`,
          });
        });
      if (Array.isArray(envFrom))
        envFrom.forEach((e: unknown, index: number) => {
          if (!isObject(e) || !isObject(e.secretRef)) return;
          const secret = typeof e.secretRef.name === 'string' ? `Secret "${e.secretRef.name}"` : 'a Secret';
          ctx.report({
            resource: res,
            path: [...c.full, 'envFrom', index, 'secretRef'],
            message: `${containerWhere(res, c)} takes every key of ${secret} as environment variables (envFrom): environment variables leak into child processes, logs and crash reports and do not follow rotation; mount the Secret as a file instead (CIS 5.4.1).`,
          });
        });
    }
  },
});
