#!/bin/sh
# Source: container-hardening-practice.zh.txt
#   Sections 1.1 (检测特权容器), 2.2 (Trivy 扫描), 五、合规性审计 (kube-bench).
# Copied verbatim. NOT runnable as-is.
# Known mistakes (kept on purpose, do not fix):
#   - 1.1: `-o jsonpath= {...}` has a space after `=` and an unquoted template
#     (kubectl gets an empty template plus a stray argument). It also ignores
#     initContainers and pod-level settings.
#   - kube-bench: the multi-line `docker run` has no trailing backslashes, so
#     each line runs as a separate (broken) command.

# 1.1 检测特权容器的高危配置
kubectl get pods --all-namespaces -o jsonpath= {.items[*].spec.containers[?(@.securityContext.privileged==true)].name}

# 2.2 使用Trivy进行CVE扫描
docker build -t myapp:v1 .
trivy image --severity HIGH,CRITICAL myapp:v1

# 五、检查Master节点合规性
docker run --rm --pid=host -v /etc:/etc:ro
-v /var/lib:/var/lib:ro -v /dev:/dev
-v /var/run/docker.sock:/var/run/docker.sock
aquasec/kube-bench:latest master
