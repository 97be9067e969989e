/** Manifests more than one test file analyses (a test's own cases stay in the test). */

/** A Pod with a privileged container, in flow style (privileged-container reports on it). */
export const FLOW_PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext: {privileged: true}
`;

/** Deployment shop/web whose pods carry `app: <label>` (what Services and NetworkPolicies select). */
export const shopDeployment = (label: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: ${label}}
  template:
    metadata:
      labels: {app: ${label}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

/** Deployment web; its container ends with `securityContext:` and then the given lines (indented 12 spaces). */
export const webDeployment = (securityContext: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
${securityContext}`;
