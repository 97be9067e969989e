/**
 * A bundle next to this file (server/out/<bundle>, as scripts/build.mjs writes them), else, from tsc output
 * (no bundles next to it), the compiled module itself. The path is computed, so esbuild leaves it to run time
 * and each bundle stays out of the one that loads it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function loadBundle(bundle: string, module: string): unknown {
  const bundled = path.join(__dirname, bundle);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(fs.existsSync(bundled) ? bundled : path.join(__dirname, module));
}
