#!/bin/sh
# Source: egress-incident-response.zh.txt
#   Section 一、外联应急排查核心流程 (查看 Pod 状态 / 删除指定 Pod / 删除副本控制器 / 强制删除 Pod)
# Shell snippets copied verbatim. NOT runnable as-is: <...> are placeholders.
# Caveat (not an error in the text): force-deleting a pod destroys evidence
# needed for incident response; consider isolating it first (NetworkPolicy /
# label change).

# 查看 Pod 状态
kubectl get pods -A -owide
# 删除指定 Pod
kubectl delete pod <pod-name> -n <namespace>
# 删除副本控制器
kubectl get deployment -A
kubectl delete deployment <deployment-name> -n <namespace>
# 强制删除 Pod
kubectl delete pod <name> --grace-period=0 --force -n <namespace>
