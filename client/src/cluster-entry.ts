/**
 * The live-cluster half of the client, bundled separately (client/out/cluster.js)
 * with @kubernetes/client-node, and loaded on the first cluster command
 * (client/src/cluster-loader.ts), never at activation.
 */
export { registerClusterUi } from './panel';
export { registerClusterOperationCommands } from './cluster/commands';
export { ClusterTreeSource } from './views/cluster-tree-data';
