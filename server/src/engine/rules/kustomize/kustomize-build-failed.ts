/**
 * A kustomization that `kubectl kustomize` (or `kustomize build`) cannot
 * build: nothing it renders can be analysed, so the build error itself is
 * the finding, on the kustomization file.
 */
import { defineRule } from '../types';

export default defineRule({
  id: 'kustomize-build-failed',
  family: 'config',
  title: 'Kustomization that does not build',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    summary: 'A `kustomization.yaml` fails to build with `kubectl kustomize`; the message is kustomize\'s own.',
    why: 'What a kustomization deploys is only known once it is rendered. When the build fails, none of its resources can be checked — and `kubectl apply -k` would fail the same way. The rest of the workspace is still analysed.',
    insecure: 'resources:\n  - ../base\npatches:\n  - path: missing-patch.yaml',
    hardened: 'resources:\n  - ../base\npatches:\n  - path: replicas.yaml',
    references: ['https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/'],
  },
  checkWorkspace(ctx) {
    for (const failure of ctx.workspace.rendered?.failures ?? []) {
      if (failure.tool === 'helm') continue;
      const lines = failure.file.lines;
      ctx.report({ file: failure.file, range: lines.range(0, lines.lineEnd(0)), message: `kustomize build failed: ${failure.message}` });
    }
  },
});
