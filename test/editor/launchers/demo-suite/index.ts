/**
 * Extension-host entry of the launcher self-test (extensionTestsPath =
 * out/test/editor/launchers/demo-suite/index.js, extensionDevelopmentPath =
 * test/editor/launchers/fixture-extension). See scripts/editor/README.md.
 */
import { runMochaSuite } from '../mocha-runner';

export function run(): Promise<void> {
  // *.e2e.js, not *.test.js: a plain-node mocha run over out/test must not pick these up.
  return runMochaSuite(__dirname, ['demo.e2e.js']);
}
