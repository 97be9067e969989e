import { editSequence, setIn } from '../../fix/edits';
import { LATEST_KNOWN_PSS_VERSION } from '../../pss';
import { defineRule } from '../types';
import { CIS, kindName } from './util';

const PSA = 'pod-security.kubernetes.io/';
const LEVELS = ['privileged', 'baseline', 'restricted'];

export default defineRule({
  id: 'namespace-without-psa',
  family: 'hardening',
  title: 'Namespace without Pod Security Admission enforcement',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    summary: `A Namespace has no \`${PSA}enforce\` label (or one whose value is not a level).`,
    why:
      'Without an enforce label, Pod Security Admission applies the cluster-wide default, which is `privileged` (no restriction at all) unless the API server was configured otherwise: nothing stops a privileged pod, a hostPath of `/` or a host-network pod in this namespace. Label every namespace with the strictest level its workloads can meet, and pin the version so that a cluster upgrade does not change the policy under you; namespaces that really need more (node agents, CNI plugins) should say so explicitly with `enforce: privileged` or `baseline`. `warn` and `audit` labels alone do not block anything. The quick fix enforces `restricted` at the latest version this tool knows; it is not part of "fix all", because pods that do not meet `restricted` will then be rejected.',
    insecure: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop',
    hardened: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    ${PSA}enforce: restricted\n    ${PSA}enforce-version: ${LATEST_KNOWN_PSS_VERSION}`,
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/',
      CIS,
    ],
  },
  kinds: new Set(['Namespace']),
  checkResource(res, ctx) {
    if (res.kind !== 'Namespace' || typeof res.apiVersion !== 'string' || !/^v1$/.test(res.apiVersion)) return;
    const labels = res.labels;
    const enforce = labels[`${PSA}enforce`];
    if (typeof enforce === 'string' && LEVELS.includes(enforce)) return;
    const invalid = enforce !== undefined && enforce !== null && enforce !== '';
    const others = ['warn', 'audit'].filter((m) => typeof labels[PSA + m] === 'string');
    const path = res.has(['metadata', 'labels', `${PSA}enforce`])
      ? ['metadata', 'labels', `${PSA}enforce`]
      : res.has(['metadata', 'labels'])
        ? ['metadata', 'labels']
        : ['metadata', 'name'];
    ctx.report({
      resource: res,
      path,
      message: invalid
        ? `${kindName(res)} sets ${PSA}enforce to ${JSON.stringify(String(enforce))}, which is not a level (privileged, baseline or restricted): Pod Security Admission treats the label as invalid (and evaluates pods as restricted, latest); set a valid level with a pinned enforce-version.`
        : `${kindName(res)} has no ${PSA}enforce label${others.length ? ` (its ${others.join(' and ')} ${others.length > 1 ? 'labels only warn or record' : 'label only ' + (others[0] === 'warn' ? 'warns' : 'records')}, blocking nothing)` : ''}: Pod Security Admission falls back to the cluster default, usually privileged; label it with the strictest level its workloads meet, e.g. enforce: restricted with a pinned enforce-version.`,
      fixes: () => {
        const steps = [(r: typeof res) => setIn(r, ['metadata', 'labels', `${PSA}enforce`], 'restricted')];
        if (labels[`${PSA}enforce-version`] === undefined) steps.push((r) => setIn(r, ['metadata', 'labels', `${PSA}enforce-version`], LATEST_KNOWN_PSS_VERSION));
        if (!setIn(res, ['metadata', 'labels', `${PSA}enforce`], 'restricted')) return [];
        const edit = editSequence(res, steps);
        return edit ? [{ title: `Enforce Pod Security Standards restricted (${LATEST_KNOWN_PSS_VERSION}) on ${kindName(res)}`, edits: [edit], preferred: true }] : [];
      },
    });
  },
});
