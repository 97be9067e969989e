#!/bin/sh
# Source: egress-troubleshooting-and-protection.en.txt
#   Section I. Core Process of Emergency Investigation for External Connections
# Shell snippets copied verbatim. NOT runnable as-is: <...> are placeholders.
# Known mistakes (kept): the translation says pods are recreated "if there is
# no controller ... that deleted the Pod"; it is the other way round (the
# Chinese original says "if the controller was not deleted"). Force-deleting a
# pod destroys evidence; isolate it first.

# Check Pod Status
kubectl get pods -A -owide
# Delete Specified Pod
kubectl delete pod <pod-name> -n <namespace>
# Delete Replica Controller
kubectl get deployment -A
kubectl delete deployment <deployment-name> -n <namespace>
# Force Delete Pod
kubectl delete pod <name> --grace-period=0 --force -n <namespace>
