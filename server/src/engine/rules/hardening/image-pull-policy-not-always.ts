import { setIn } from '../../fix/edits';
import { defineRule } from '../types';
import { parseImage } from './image-latest-tag';
import { workloadContainers, containerWhere } from './util';

const ID = 'image-pull-policy-not-always';

export default defineRule({
  id: ID,
  family: 'hardening',
  title: 'Image pull policy not Always',
  defaultSeverity: 'info',
  fix: 'always',
  docs: {
    summary:
      'A container or init container\'s effective `imagePullPolicy` is not `Always`: it sets `IfNotPresent` or `Never`, or sets none with an image that has a tag other than `latest` (Kubernetes then defaults to `IfNotPresent`). Images pinned by digest (`@sha256:…`) are not reported: the digest already fixes what runs. Ephemeral containers are not checked. Informational: turn it off with `image-pull-policy-not-always: off` under `rules:` in `.k8s-guardrails.yaml`, `--disable image-pull-policy-not-always` on the command line, or `"image-pull-policy-not-always": "off"` in the `k8sGuardrails.rules` editor setting — the usual choice for a single-tenant cluster whose images use immutable tags.',
    why:
      'It matters in two cases. **Mutable tags**: with `IfNotPresent` a node that has the tag cached runs its old copy, so a re-pushed tag (`:1.4`, `:stable`) runs different builds on different nodes, and a security rebuild is not picked up. **Multi-tenant nodes**: an image cached on the node can be run by any pod that names it, without the pull secret the registry would ask for, so one tenant can run another\'s private image; `Always` makes the kubelet check the credentials on every start (the `AlwaysPullImages` admission plugin enforces that cluster-wide). The cost: every start contacts the registry, and a registry outage blocks restarts of the image\'s pods. Pinning by digest removes the first concern. The quick fix sets `imagePullPolicy: Always` and is not part of "fix all".',
    insecure: 'containers:\n- name: web\n  image: registry.example.com/web:1.4\n  imagePullPolicy: IfNotPresent',
    hardened: 'containers:\n- name: web\n  image: registry.example.com/web:1.4\n  imagePullPolicy: Always\n# or pin the digest: registry.example.com/web:1.4@sha256:<digest>',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
      'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages',
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of workloadContainers(res)) {
      if (c.field === 'ephemeralContainers') continue;
      const image = c.container.image;
      if (typeof image !== 'string' || image.trim() === '') continue;
      const { tag, digest } = parseImage(image.trim());
      if (digest) continue;
      const policy = c.container.imagePullPolicy;
      const path = [...c.full, 'imagePullPolicy'];
      let message: string;
      if (policy === undefined || policy === null) {
        if (tag === undefined || tag === 'latest') continue; // defaults to Always
        message = `${containerWhere(res, c)} sets no imagePullPolicy, so image ${image.trim()} defaults to IfNotPresent: a node runs its cached copy of the tag (a re-pushed tag is not picked up) and any pod on the node can run it without the pull secret; set imagePullPolicy: Always or pin the image by digest.`;
      } else if (policy === 'Always' || typeof policy !== 'string') continue;
      else
        message = `${containerWhere(res, c)} sets imagePullPolicy: ${policy}: a node runs its cached copy of image ${image.trim()} (a re-pushed tag is not picked up) and any pod on the node can run it without the pull secret; set imagePullPolicy: Always or pin the image by digest.`;
      ctx.report({
        resource: res,
        path,
        message,
        fixes: () => {
          const edit = setIn(res, path, 'Always');
          return edit ? [{ title: `Set imagePullPolicy: Always on ${containerWhere(res, c)}`, edits: [edit] }] : [];
        },
      });
    }
  },
});
