/**
 * A Helm chart that `helm template` cannot render: nothing it deploys can be
 * analysed, so helm's error itself is the finding, on the chart's Chart.yaml.
 */
import { defineRule } from '../types';

export default defineRule({
  id: 'helm-render-failed',
  family: 'config',
  title: 'Helm chart that does not render',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    summary: 'A Helm chart (or one of the releases listed under `helm.releases` in `.k8s-guardrails.yaml`) fails to render with `helm template`; the message is helm\'s own.',
    why: 'What a chart deploys is only known once it is rendered. When rendering fails, none of its objects can be checked — and `helm install` would fail the same way. The rest of the workspace is still analysed.',
    insecure: '# templates/deployment.yaml\nspec:\n  replicas: {{ .Values.replicas | required "replicas is required" }}',
    hardened: '# values.yaml\nreplicas: 2',
    references: ['https://helm.sh/docs/helm/helm_template/'],
  },
  checkWorkspace(ctx) {
    for (const failure of ctx.workspace.rendered?.failures ?? []) {
      if (failure.tool !== 'helm') continue;
      const lines = failure.file.lines;
      ctx.report({ file: failure.file, range: lines.range(0, lines.lineEnd(0)), message: `helm template failed: ${failure.message}` });
    }
  },
});
