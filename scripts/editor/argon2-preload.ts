/**
 * Preloaded (`node -r`) into code-server by scripts/editor/code-server.ts.
 *
 * code-server requires the native `argon2` module at start-up, only to hash
 * and verify passwords. When npm skipped install scripts (npm 11 does for
 * dependencies that are not allow-listed) the binding was never built, and
 * code-server dies with "Cannot find module .../argon2.node" before it can
 * start. We always run it with `--auth none`, so password hashing is never
 * used: if the real module cannot load we hand code-server a stub that
 * refuses to hash. A working argon2 is used untouched.
 */
import Module = require('module');

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: LoadFn };
const originalLoad = moduleWithLoad._load;
let stub: unknown;

moduleWithLoad._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
  if (request !== 'argon2') {
    return originalLoad.call(this, request, parent, isMain);
  }
  try {
    return originalLoad.call(this, request, parent, isMain);
  } catch {
    stub ??= {
      hash: async (): Promise<string> => {
        throw new Error('argon2 native binding is not built; k8s-guardrails runs code-server with --auth none');
      },
      verify: async (): Promise<boolean> => false,
      needsRehash: (): boolean => false,
    };
    return stub;
  }
};
