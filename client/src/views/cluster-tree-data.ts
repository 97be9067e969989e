/**
 * What the Cluster view (client/src/views/cluster-tree.ts) shows, read from the cluster: the
 * kubeconfig's contexts, the namespaces of a context, and the pods of a namespace with their
 * isolation verdict — computed as the panel and Isolate Pod compute it (client/src/cluster/verdict.ts
 * `isolationVerdict` over the namespace's live NetworkPolicies and the detected network plugin), never
 * assumed from a label. In the cluster bundle (with @kubernetes/client-node); no `vscode`.
 *
 * Every string here comes from the cluster or the kubeconfig: the view shows it as plain text.
 */
import * as k8s from '@kubernetes/client-node';
import { ClusterSession, createSession, describeApiError, LoadedKubeConfig, req } from '../cluster/connection';
import { CniInfo, detectCni } from '../cluster/isolate';
import { QUARANTINE_LABEL } from '../cluster/trace';
import { isolationVerdict } from '../cluster/verdict';

export interface TreeContext {
  name: string;
  /** The context cluster commands use (k8sGuardrails.cluster.context, else current-context). */
  current: boolean;
  server: string;
}

export interface TreeNamespace {
  name: string;
  /** pod-security.kubernetes.io/enforce (and -version) labels, as set. */
  enforce?: string;
}

export interface TreePod {
  namespace: string;
  name: string;
  phase: string;
  /** Carries the quarantine label of Isolate Pod. */
  quarantined: boolean;
  isolated: boolean;
  /** checked / assumed / not-enforced: whether the plugin is known to enforce NetworkPolicy. */
  enforcement: 'checked' | 'assumed' | 'not-enforced';
  /** The verdict's one sentence ("Isolated: …" / "NOT isolated: …"). */
  summary: string;
}

export interface Listing<T> {
  items: T[];
  /** Why the list is empty or partial (API error, in words). */
  error?: string;
}

/** A KubeConfig on `context` (the loaded one is left on its own context). */
function configFor(kc: k8s.KubeConfig, context: string): k8s.KubeConfig {
  const copy = new k8s.KubeConfig();
  copy.loadFromOptions({ clusters: kc.clusters, users: kc.users, contexts: kc.contexts, currentContext: context });
  return copy;
}

export class ClusterTreeSource {
  private readonly cni = new Map<string, Promise<CniInfo | undefined>>();

  /** `kubeconfig()`: the connection's current kubeconfig (undefined: none or unreadable). */
  constructor(private readonly kubeconfig: () => LoadedKubeConfig | undefined) {}

  contexts(): TreeContext[] {
    const loaded = this.kubeconfig();
    if (!loaded) return [];
    return loaded.contexts.map((name) => {
      const ctx = loaded.kc.getContextObject(name);
      const server = loaded.kc.getCluster(ctx?.cluster ?? '')?.server ?? '';
      return { name, current: name === loaded.current, server };
    });
  }

  private session(context: string): ClusterSession | undefined {
    const loaded = this.kubeconfig();
    if (!loaded || !loaded.contexts.includes(context)) return undefined;
    return createSession(context === loaded.current ? loaded.kc : configFor(loaded.kc, context), { timeoutMs: 15000 });
  }

  /** Forget cached plugin detections (Refresh). */
  reset(): void {
    this.cni.clear();
  }

  async namespaces(context: string, signal?: AbortSignal): Promise<Listing<TreeNamespace>> {
    const s = this.session(context);
    if (!s) return { items: [], error: `context ${context} is no longer in the kubeconfig` };
    try {
      const list = await req(s, signal, (o) => s.core.listNamespace({}, o), { what: 'list namespaces' });
      const items = (list.items ?? []).map((n) => {
        const labels = n.metadata?.labels ?? {};
        const level = labels['pod-security.kubernetes.io/enforce'];
        const version = labels['pod-security.kubernetes.io/enforce-version'];
        return { name: n.metadata?.name ?? '', ...(level !== undefined ? { enforce: version ? `${level}:${version}` : level } : {}) };
      });
      items.sort((a, b) => a.name.localeCompare(b.name));
      return { items };
    } catch (e) {
      return { items: [], error: describeApiError(e, { verb: 'list', resource: 'namespaces', server: s.server }) };
    }
  }

  async pods(context: string, namespace: string, signal?: AbortSignal): Promise<Listing<TreePod>> {
    const s = this.session(context);
    if (!s) return { items: [], error: `context ${context} is no longer in the kubeconfig` };
    let pods: k8s.V1Pod[];
    try {
      pods = (await req(s, signal, (o) => s.core.listNamespacedPod({ namespace }, o), { what: 'list pods' })).items ?? [];
    } catch (e) {
      return { items: [], error: describeApiError(e, { verb: 'list', resource: 'pods', namespace, server: s.server }) };
    }
    let policies: k8s.V1NetworkPolicy[] | undefined;
    let error: string | undefined;
    try {
      policies = (await req(s, signal, (o) => s.net.listNamespacedNetworkPolicy({ namespace }, o), { what: 'list networkpolicies' })).items ?? [];
    } catch (e) {
      error = describeApiError(e, { verb: 'list', resource: 'networkpolicies', namespace, server: s.server });
    }
    let cni = this.cni.get(context);
    if (!cni) this.cni.set(context, (cni = detectCni(s, signal).catch(() => undefined)));
    const plugin = await cni;
    const items = pods.map((pod): TreePod => {
      const base = { namespace, name: pod.metadata?.name ?? '', phase: pod.status?.phase ?? '', quarantined: pod.metadata?.labels?.[QUARANTINE_LABEL] !== undefined };
      if (!policies) return { ...base, isolated: false, enforcement: 'assumed', summary: 'The NetworkPolicies could not be read: isolation is not verified.' };
      const v = isolationVerdict(pod, policies, plugin);
      return { ...base, isolated: v.isolated, enforcement: v.enforcement, summary: v.summary };
    });
    items.sort((a, b) => a.name.localeCompare(b.name));
    return error ? { items, error } : { items };
  }
}
