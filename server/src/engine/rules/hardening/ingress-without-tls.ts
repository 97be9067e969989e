import { isObject } from '../../model';
import { YPath } from '../../yaml/parse';
import { defineRule } from '../types';

const INGRESS_API = new Set(['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1']);

/**
 * Annotations by which an Ingress controller or cloud load balancer terminates TLS without a `tls` section
 * (a certificate from the cloud's store, or TLS configured on the entry point), or serves no plain HTTP.
 */
const EXTERNAL_TLS: Record<string, RegExp> = {
  'alb.ingress.kubernetes.io/certificate-arn': /\S/,
  'alb.ingress.kubernetes.io/listen-ports': /HTTPS/i,
  'ingress.gcp.kubernetes.io/pre-shared-cert': /\S/,
  'networking.gke.io/managed-certificates': /\S/,
  'kubernetes.io/ingress.allow-http': /^false$/i,
  'traefik.ingress.kubernetes.io/router.tls': /^true$/i,
  'traefik.ingress.kubernetes.io/router.entrypoints': /websecure|https/i,
  'nginx.ingress.kubernetes.io/ssl-passthrough': /^true$/i,
  'appgw.ingress.kubernetes.io/appgw-ssl-certificate': /\S/,
};

function externalTls(annotations: Record<string, unknown>): string | undefined {
  for (const [k, re] of Object.entries(EXTERNAL_TLS)) {
    const v = annotations[k];
    if ((typeof v === 'string' || typeof v === 'boolean') && re.test(String(v))) return k;
  }
  return undefined;
}

/** Whether a `tls[].hosts` entry covers a rule's host: equal, or a `*.` wildcard one label deep (as certificates match). */
export function tlsCovers(tlsHost: string, host: string): boolean {
  const a = tlsHost.toLowerCase();
  const b = host.toLowerCase();
  if (a === b) return true;
  if (!a.startsWith('*.') || b.startsWith('*.')) return false;
  const dot = b.indexOf('.');
  return dot > 0 && b.slice(dot) === a.slice(1);
}

export default defineRule({
  id: 'ingress-without-tls',
  family: 'hardening',
  title: 'Ingress host served without TLS',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary:
      'An Ingress rule\'s `host` that no `spec.tls` entry covers (per host: equal, or a `*.` wildcard one label deep; a `tls` entry without `hosts` covers every host). An Ingress whose rules name no host (or that has only a default backend) is reported once when it has no `tls` section at all; one with neither rules nor a default backend serves nothing and is not reported. Ingresses whose TLS is terminated elsewhere by annotation are skipped: AWS ALB `certificate-arn` or an HTTPS `listen-ports`, GKE `pre-shared-cert` / `managed-certificates` / `kubernetes.io/ingress.allow-http: "false"`, Traefik `router.tls: "true"` or a `websecure` entry point, ingress-nginx `ssl-passthrough`, Azure Application Gateway `appgw-ssl-certificate`.',
    why:
      'Without TLS the host is served over plain HTTP: credentials, session cookies and data cross the network readable and modifiable by anyone on the path. Add a `tls` entry naming the host and a Secret with its certificate (cert-manager can issue and renew it from an annotation). No quick fix: the certificate Secret has to exist.',
    insecure: 'kind: Ingress\nspec:\n  rules:\n  - host: shop.example.com\n    http: …',
    hardened: 'kind: Ingress\nmetadata:\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n  rules:\n  - host: shop.example.com\n    http: …',
    references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#tls'],
  },
  kinds: new Set(['Ingress']),
  checkResource(res, ctx) {
    if (res.kind !== 'Ingress' || !INGRESS_API.has(res.apiVersion)) return;
    const spec = res.object.spec;
    if (!isObject(spec) || externalTls(res.annotations)) return;
    const tls = Array.isArray(spec.tls) ? spec.tls.filter(isObject) : [];
    const tlsAll = tls.some((t) => !Array.isArray(t.hosts) || t.hosts.length === 0);
    const tlsHosts: string[] = tls.flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.filter((h: unknown): h is string => typeof h === 'string') : []));
    const rules: unknown[] = Array.isArray(spec.rules) ? spec.rules : [];
    const name = res.name || '(unnamed)';
    let hostless: YPath | undefined;
    rules.forEach((rule, i) => {
      if (!isObject(rule)) return;
      const host = typeof rule.host === 'string' && rule.host !== '' ? rule.host : undefined;
      if (!host) {
        hostless ??= ['spec', 'rules', i];
        return;
      }
      if (tlsAll || tlsHosts.some((t) => tlsCovers(t, host))) return;
      ctx.report({
        resource: res,
        path: ['spec', 'rules', i, 'host'],
        message: `Ingress ${name}: host ${host} has no tls entry covering it, so it is served over plain HTTP; add it to spec.tls with a certificate Secret${tls.length ? ` (the tls hosts are ${tlsHosts.slice(0, 3).join(', ')}${tlsHosts.length > 3 ? '…' : ''})` : ''}.`,
      });
    });
    if (tls.length) return;
    const backend = isObject(spec.defaultBackend) ? ['spec', 'defaultBackend'] : isObject(spec.backend) ? ['spec', 'backend'] : undefined;
    const where = hostless ?? backend;
    if (!where) return;
    ctx.report({
      resource: res,
      path: where,
      message: `Ingress ${name} serves ${hostless ? 'a rule without host (any host)' : 'a default backend (any host)'} and has no tls section, so it is served over plain HTTP only; add spec.tls with a certificate Secret (or terminate TLS in front of it and ignore this finding with a reason).`,
    });
  },
});
