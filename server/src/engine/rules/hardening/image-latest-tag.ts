import { defineRule } from '../types';
import { CIS, workloadContainers, containerWhere } from './util';

/** The tag of an image reference (`registry:5000/app:1.2` → `1.2`), undefined when untagged; digests are separate. */
export function parseImage(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  return { tag, digest };
}

export default defineRule({
  id: 'image-latest-tag',
  family: 'hardening',
  title: 'Mutable image tag (:latest or none)',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary: 'A container image has the `:latest` tag or no tag at all (which means `:latest`), and no `@sha256:` digest.',
    why:
      '`latest` moves: every node may run a different build, a rollback redeploys the same moving target, and whoever can push to the repository (or spoof it) changes what runs in your cluster without any change to the manifest. It also makes the kubelet default to `imagePullPolicy: Always`. Pin a version tag, ideally with its digest (`app:1.4.2@sha256:…`), and update it deliberately. No quick fix: only you know which version to pin.',
    insecure: 'containers:\n- name: web\n  image: nginx:latest\n- name: job\n  image: postgres',
    hardened: 'containers:\n- name: web\n  image: nginx:1.27.4@sha256:<digest>\n- name: job\n  image: postgres:16.4',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-names',
      'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
      CIS,
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of workloadContainers(res)) {
      const image = c.container.image;
      if (typeof image !== 'string' || image.trim() === '') continue;
      const { tag, digest } = parseImage(image.trim());
      if (digest) continue;
      if (tag !== undefined && tag !== 'latest') continue;
      ctx.report({
        resource: res,
        path: [...c.full, 'image'],
        message:
          tag === 'latest'
            ? `${containerWhere(res, c)} uses image ${image.trim()}: the latest tag moves, so what runs changes without any change to the manifest; pin a version tag and its digest.`
            : `${containerWhere(res, c)} uses image ${image.trim()} without a tag, i.e. :latest, which moves without any change to the manifest; pin a version tag and its digest.`,
      });
    }
  },
});
