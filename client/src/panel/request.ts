/**
 * Per-call options for client-node 1.4's object-parameter API (what
 * `session.core.listNamespace({...}, options)` takes): that API hands the
 * options to the *Observable* API, so middleware must return observable-like
 * values (`{ toPromise() }`), not promises. Aborts the fetch on `signal`.
 */
import type * as k8s from '@kubernetes/client-node';
import { ClusterSession, withTimeout } from '../cluster/connection';

const observable = <T>(value: T) => ({ toPromise: () => Promise.resolve(value) });

export function abortableOptions(signal: AbortSignal): k8s.ConfigurationOptions {
  const middleware = {
    pre: (ctx: k8s.RequestContext) => {
      ctx.setSignal(signal);
      return observable(ctx);
    },
    post: (res: k8s.ResponseContext) => observable(res),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' } as unknown as k8s.ConfigurationOptions;
}

/** One API call with the session timeout and the caller's cancellation; the fetch is aborted too. */
export function call<T>(s: Pick<ClusterSession, 'timeoutMs'>, signal: AbortSignal | undefined, fn: (options: k8s.ConfigurationOptions) => Promise<T>, what?: string): Promise<T> {
  return withTimeout((sig) => fn(abortableOptions(sig)), s.timeoutMs, { signal, what });
}
