#!/bin/sh
# Source: pod-security-defense-in-depth.zh.txt
#   Sections 1.1 快速验证你的Namespace, 3.3 验证安全上下文是否生效 and the
#   commands in 六、安全检查清单. NOT runnable as-is: <...> are placeholders.
# The article renders each code block on one line (with a line-number gutter);
# line breaks are restored here, comment lines lost in the rendering are not.
# Known mistakes (kept): 1.1 pins enforce-version=v1.29 (old); the checklist's
# `.spec.securityContext.runAsNonRoot` / seccompProfile checks ignore
# container-level settings, and `kubectl get pod -o jsonpath` without a name
# returns a List (use .items[*]).

# 1.1 快速验证你的Namespace
kubectl get namespace <namespace> -o yaml | grep -A 5 pod-security.kubernetes.io

kubectl label --overwrite ns <namespace> \
  pod-security.kubernetes.io/enforce=baseline \
  pod-security.kubernetes.io/enforce-version=v1.29

# 3.3 验证安全上下文是否生效
kubectl get pod <pod-name> -o jsonpath='{.spec.securityContext}'
kubectl exec <pod-name> -- cat /proc/self/status | grep Cap
kubectl exec <pod-name> -- id

# 六、安全检查清单
kubectl get pod -o jsonpath='{.spec.securityContext.runAsNonRoot}'
kubectl get pod -o jsonpath='{.spec.containers[*].securityContext.allowPrivilegeEscalation}'
kubectl get pod -o jsonpath='{.spec.containers[*].securityContext.capabilities.drop}'
kubectl get pod -o jsonpath='{.spec.containers[*].securityContext.readOnlyRootFilesystem}'
kubectl get pod -o jsonpath='{.spec.securityContext.seccompProfile.type}'
kubectl get networkpolicy
kubectl get pod -o jsonpath='{.spec.serviceAccountName}'
