/**
 * Test PKI for the simulator: a CA, a server certificate for 127.0.0.1/localhost
 * and a client certificate (CN = user, O = group), generated with the system
 * `openssl` (EC P-256, fast). Generated once per process and cached.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  clientUser: string;
  clientGroup: string;
}

let cached: Pki | undefined;

export const CLIENT_CERT_USER = 'sim-cert-user';
export const CLIENT_CERT_GROUP = 'system:masters';

export function getPki(): Pki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'k8s-sim-pki-'));
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
    ossl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-subj', '/CN=k8s-guardrails-simulator-ca', '-out', 'ca.crt',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
    const issue = (name: string, subj: string, ext: string) => {
      ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
      // PKCS#8 keys load everywhere (Go, Node)
      ossl(['pkcs8', '-topk8', '-nocrypt', '-in', `${name}.key`, '-out', `${name}.p8`]);
      ossl(['req', '-new', '-key', `${name}.p8`, '-subj', subj, '-out', `${name}.csr`]);
      writeFileSync(join(dir, `${name}.ext`), ext);
      ossl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '3650', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
    };
    issue('server', '/CN=kube-apiserver', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n');
    issue('client', `/O=${CLIENT_CERT_GROUP}/CN=${CLIENT_CERT_USER}`, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
    const r = (f: string) => readFileSync(join(dir, f), 'utf8');
    cached = {
      caCert: r('ca.crt'), serverCert: r('server.crt'), serverKey: r('server.p8'), clientCert: r('client.crt'), clientKey: r('client.p8'),
      clientUser: CLIENT_CERT_USER, clientGroup: CLIENT_CERT_GROUP,
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
