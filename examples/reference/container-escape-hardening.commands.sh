#!/bin/sh
# Source: container-escape-hardening.zh.txt
#   Sections 2.1 (running the image privileged) and 5.1 隔离受影响的容器.
# Copied verbatim. NOT runnable as-is: <...> are placeholders.
# Known mistakes (kept): 2.1 is the INSECURE example (--privileged); deleting
# the pod in 5.1 destroys evidence and is not "isolation".

docker run --privileged -it <image_name>
kubectl delete pod <pod_name> # 删除受影响的 Pod
