/**
 * The live-cluster half of the client, bundled separately (client/out/cluster.js)
 * with @kubernetes/client-node, and loaded right after activation so that
 * opening a YAML file never waits for it.
 */
export { registerClusterUi } from './panel';
export { registerClusterOperationCommands } from './cluster/commands';
