#!/usr/bin/env python3
"""Checks the objects `kubectl kustomize` renders from an overlay, with no cluster.

Usage: manifests.py schema|references RENDERED.yaml [--external-secret NAMESPACE/NAME ...]
       manifests.py local-executor RENDERED.yaml|template.yaml ...
       manifests.py training-policy RENDERED.yaml ...

Four parts, each printed as one result line by infra/validate:

1. schema: every object is checked against a hand-written schema of its API (below): the Kubernetes core kinds
   and the Knative Serving and Eventing kinds this deployment uses. The schemas are minimal (the fields of each
   type that a deployment like this one writes, plus the common neighbours) and strict: an unknown field, a
   wrong type, a missing required field or a value outside an enumeration is an error. A real field that is
   missing here is reported as unknown too; add it to the schema when you start using it. Some kinds have rules
   beyond their shape (RULES): what the API server or a webhook would refuse, or silently turn into something
   else.
2. references: what the objects say about each other resolves within the render: namespaces, ConfigMaps,
   Secrets, PersistentVolumeClaims, ServiceAccounts, Roles, selectors against pod labels, Service and Ingress
   ports, NetworkPolicy peers, Broker, Trigger and source sinks. Secrets created outside the render (production)
   are named with --external-secret.
3. local-executor: no rendered overlay and no AWS SAM template turns on the local executor, which runs a
   submitted command as a child process of the functions (a development tool).
4. training-policy: the namespace training Jobs run in enforces the restricted Pod Security profile, has a quota,
   container limits equal to the functions' per-job maximum and a default-deny NetworkPolicy, and no policy lets
   its pods reach everything, the internet or another namespace of the render.

Exit status 0 when the part passes; messages go to stdout, one per problem.
"""
import base64
import ipaddress
import os
import re
import sys
from fractions import Fraction

import yaml

# ---------------------------------------------------------------------------------------------------------------
# A small schema language: Obj (strict on keys), List, Map (string keys), Enum, and scalar types.
# ---------------------------------------------------------------------------------------------------------------


class Obj:
    def __init__(self, fields, required=(), one_of=None):
        self.fields, self.required, self.one_of = fields, set(required), one_of

    def extend(self, fields, required=()):
        return Obj({**self.fields, **fields}, self.required | set(required), self.one_of)


class List:
    def __init__(self, item, min_items=0):
        self.item, self.min_items = item, min_items


class Map:
    def __init__(self, value, key=None):
        self.value, self.key = value, key


class Enum:
    def __init__(self, *values):
        self.values = values


class Scalar:
    def __init__(self, name, check):
        self.name, self.check = name, check


DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
NAMESPACE_NAME = "kubernetes.io/metadata.name"  # the label Kubernetes gives every namespace (1.21 and later)
ISO_DURATION = re.compile(r"^P(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)$")
# A resource a container or a LimitRange names: the built-in ones, or an extended resource such as nvidia.com/gpu
# (a domain outside kubernetes.io, a slash, a name).
STANDARD_RESOURCE = re.compile(r"^(cpu|memory|ephemeral-storage|storage|hugepages-[0-9]+(Ki|Mi|Gi))$")
EXTENDED_RESOURCE = re.compile(r"^(?![a-z0-9.-]*kubernetes\.io/)"
                               r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+"
                               r"/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
# What a ResourceQuota may count: compute totals, object counts (count/<resource>[.<group>]), storage per class,
# and extended resources by their requests only: Kubernetes does not enforce a quota on their limits.
QUOTA_RESOURCE = re.compile(r"^((requests\.|limits\.)?(cpu|memory|ephemeral-storage)|requests\.storage"
                            r"|(requests\.)?hugepages-[0-9]+(Ki|Mi|Gi)|pods|services|services\.loadbalancers"
                            r"|services\.nodeports|secrets|configmaps|persistentvolumeclaims|replicationcontrollers"
                            r"|resourcequotas|count/[a-z0-9]+(\.[a-z0-9-]+)*"
                            r"|[a-z0-9-]+\.storageclass\.storage\.k8s\.io/(requests\.storage|persistentvolumeclaims))$")

STR = Scalar("string", lambda v: isinstance(v, str))
INT = Scalar("integer", lambda v: isinstance(v, int) and not isinstance(v, bool))
BOOL = Scalar("boolean", lambda v: isinstance(v, bool))
INT_OR_STR = Scalar("integer or string", lambda v: isinstance(v, (int, str)) and not isinstance(v, bool))
QTY = Scalar("quantity", lambda v: (isinstance(v, int) and not isinstance(v, bool)) or
             (isinstance(v, str) and bool(QUANTITY.match(v))))
NAME = Scalar("DNS-1123 name", lambda v: isinstance(v, str) and len(v) <= 253 and bool(DNS_SUBDOMAIN.match(v)))
LABEL_NAME = Scalar("DNS-1123 label", lambda v: isinstance(v, str) and len(v) <= 63 and bool(DNS_LABEL.match(v)))
PORT = Scalar("port number", lambda v: isinstance(v, int) and 1 <= v <= 65535)
CRON = Scalar("cron schedule (5 fields)", lambda v: isinstance(v, str) and len(v.split()) == 5)
DURATION = Scalar("ISO-8601 duration", lambda v: isinstance(v, str) and bool(ISO_DURATION.match(v)))
ANY = Scalar("anything", lambda v: True)
RESOURCE_NAME = Scalar("resource name (cpu, memory, ephemeral-storage, hugepages-<size> or an extended domain/name)",
                       lambda v: bool(STANDARD_RESOURCE.match(v) or EXTENDED_RESOURCE.match(v)))
QUOTA_NAME = Scalar("quota resource (requests.cpu, limits.memory, pods, count/jobs.batch, requests.<extended>...)",
                    lambda v: bool(QUOTA_RESOURCE.match(v) or
                                   (v.startswith("requests.") and EXTENDED_RESOURCE.match(v[len("requests."):]))))
IANA_SVC_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$")


def cidr(v):
    try:
        ipaddress.ip_network(v, strict=True)
        return True
    except (TypeError, ValueError):
        return False


CIDR = Scalar("CIDR (network address/prefix length)", lambda v: isinstance(v, str) and cidr(v))
QUANTITY_SUFFIX = {"": 1, "m": Fraction(1, 1000), "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15,
                   "E": 10**18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}


def quantity(v):
    """A quantity's value, to compare two (None when it is malformed: the schema reports that)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return Fraction(v)
    m = QUANTITY.match(v) if isinstance(v, str) else None
    return Fraction(v[:len(v) - len(m.group(2) or "")]) * QUANTITY_SUFFIX[m.group(2) or ""] if m else None


def check(value, spec, path, errors):
    if isinstance(spec, Scalar):
        if not spec.check(value):
            errors.append(f"{path}: {value!r} is not a {spec.name}")
    elif isinstance(spec, Enum):
        if value not in spec.values:
            errors.append(f"{path}: {value!r} is not one of {', '.join(map(str, spec.values))}")
    elif isinstance(spec, List):
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list")
            return
        if len(value) < spec.min_items:
            errors.append(f"{path}: needs at least {spec.min_items} item(s)")
        for i, item in enumerate(value):
            check(item, spec.item, f"{path}[{i}]", errors)
    elif isinstance(spec, Map):
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map")
            return
        for k, v in value.items():
            if not isinstance(k, str):
                errors.append(f"{path}: key {k!r} is not a string")
            elif spec.key is not None and not spec.key.check(k):
                errors.append(f"{path}: key {k!r} is not a {spec.key.name}")
            check(v, spec.value, f"{path}.{k}", errors)
    elif isinstance(spec, Obj):
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object")
            return
        for k, v in value.items():
            if k not in spec.fields:
                errors.append(f"{path}: unknown field {k!r}")
            else:
                check(v, spec.fields[k], f"{path}.{k}", errors)
        for k in sorted(spec.required):
            if k not in value:
                errors.append(f"{path}: missing required field {k!r}")
        if spec.one_of:
            present = [k for k in spec.one_of if k in value]
            if len(present) != 1:
                errors.append(f"{path}: exactly one of {', '.join(spec.one_of)} must be set (found {present or 'none'})")
    else:
        raise TypeError(spec)


# ---------------------------------------------------------------------------------------------------------------
# Kubernetes (core/v1, apps/v1, batch/v1, policy/v1, networking.k8s.io/v1, rbac.authorization.k8s.io/v1)
# ---------------------------------------------------------------------------------------------------------------
META = Obj({"name": NAME, "namespace": LABEL_NAME, "labels": Map(STR), "annotations": Map(STR),
            "generateName": STR, "finalizers": List(STR)}, required=["name"])
TEMPLATE_META = Obj({"name": NAME, "labels": Map(STR), "annotations": Map(STR)})
LABEL_SELECTOR = Obj({
    "matchLabels": Map(STR),
    "matchExpressions": List(Obj({"key": STR, "operator": Enum("In", "NotIn", "Exists", "DoesNotExist"),
                                  "values": List(STR)}, required=["key", "operator"])),
})
KEY_REF = Obj({"name": NAME, "key": STR, "optional": BOOL}, required=["name", "key"])
ENV_VAR = Obj({"name": STR, "value": STR, "valueFrom": Obj({
    "secretKeyRef": KEY_REF, "configMapKeyRef": KEY_REF,
    "fieldRef": Obj({"fieldPath": STR, "apiVersion": STR}, required=["fieldPath"]),
    "resourceFieldRef": Obj({"resource": STR, "containerName": STR, "divisor": QTY}, required=["resource"]),
}, one_of=["secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef"])}, required=["name"])
ENV_FROM = Obj({"configMapRef": Obj({"name": NAME, "optional": BOOL}, required=["name"]),
                "secretRef": Obj({"name": NAME, "optional": BOOL}, required=["name"]),
                "prefix": STR}, one_of=["configMapRef", "secretRef"])
RESOURCES = Obj({"requests": Map(QTY, RESOURCE_NAME), "limits": Map(QTY, RESOURCE_NAME)})
HTTP_GET = Obj({"path": STR, "port": INT_OR_STR, "host": STR, "scheme": Enum("HTTP", "HTTPS"),
                "httpHeaders": List(Obj({"name": STR, "value": STR}, required=["name", "value"]))})
EXEC = Obj({"command": List(STR, 1)}, required=["command"])
PROBE_FIELDS = {"initialDelaySeconds": INT, "periodSeconds": INT, "timeoutSeconds": INT,
                "failureThreshold": INT, "successThreshold": INT, "terminationGracePeriodSeconds": INT}
PROBE = Obj({"httpGet": HTTP_GET.extend({}, required=["port"]), "exec": EXEC,
             "tcpSocket": Obj({"port": INT_OR_STR}, required=["port"]), **PROBE_FIELDS},
            one_of=["httpGet", "exec", "tcpSocket"])
HANDLER = Obj({"exec": EXEC, "httpGet": HTTP_GET.extend({}, required=["port"]),
               "sleep": Obj({"seconds": INT}, required=["seconds"])}, one_of=["exec", "httpGet", "sleep"])
CONTAINER_SECURITY = Obj({"allowPrivilegeEscalation": BOOL, "readOnlyRootFilesystem": BOOL, "runAsNonRoot": BOOL,
                          "runAsUser": INT, "runAsGroup": INT, "privileged": BOOL,
                          "capabilities": Obj({"add": List(STR), "drop": List(STR)}),
                          "seccompProfile": Obj({"type": Enum("RuntimeDefault", "Localhost", "Unconfined"),
                                                 "localhostProfile": STR}, required=["type"])})
CONTAINER_PORT = Obj({"name": LABEL_NAME, "containerPort": PORT, "protocol": Enum("TCP", "UDP", "SCTP"),
                      "hostPort": PORT}, required=["containerPort"])
VOLUME_MOUNT = Obj({"name": STR, "mountPath": STR, "subPath": STR, "readOnly": BOOL}, required=["name", "mountPath"])
CONTAINER = Obj({
    "name": LABEL_NAME, "image": STR, "command": List(STR), "args": List(STR), "workingDir": STR,
    "ports": List(CONTAINER_PORT), "env": List(ENV_VAR), "envFrom": List(ENV_FROM), "resources": RESOURCES,
    "volumeMounts": List(VOLUME_MOUNT), "livenessProbe": PROBE, "readinessProbe": PROBE, "startupProbe": PROBE,
    "lifecycle": Obj({"preStop": HANDLER, "postStart": HANDLER}),
    "imagePullPolicy": Enum("Always", "IfNotPresent", "Never"), "securityContext": CONTAINER_SECURITY,
    "terminationMessagePolicy": Enum("File", "FallbackToLogsOnError"),
}, required=["name", "image"])
KEY_TO_PATH = Obj({"key": STR, "path": STR, "mode": INT}, required=["key", "path"])
VOLUME = Obj({
    "name": LABEL_NAME,
    "configMap": Obj({"name": NAME, "items": List(KEY_TO_PATH), "defaultMode": INT, "optional": BOOL},
                     required=["name"]),
    "secret": Obj({"secretName": NAME, "items": List(KEY_TO_PATH), "defaultMode": INT, "optional": BOOL},
                  required=["secretName"]),
    "persistentVolumeClaim": Obj({"claimName": NAME, "readOnly": BOOL}, required=["claimName"]),
    "emptyDir": Obj({"medium": Enum("", "Memory"), "sizeLimit": QTY}),
}, required=["name"], one_of=["configMap", "secret", "persistentVolumeClaim", "emptyDir"])
POD_SECURITY = Obj({"runAsNonRoot": BOOL, "runAsUser": INT, "runAsGroup": INT, "fsGroup": INT,
                    "seccompProfile": CONTAINER_SECURITY.fields["seccompProfile"]})
POD_SPEC = Obj({
    "containers": List(CONTAINER, 1), "initContainers": List(CONTAINER), "volumes": List(VOLUME),
    "serviceAccountName": NAME, "automountServiceAccountToken": BOOL, "terminationGracePeriodSeconds": INT,
    "securityContext": POD_SECURITY, "restartPolicy": Enum("Always", "OnFailure", "Never"),
    "nodeSelector": Map(STR), "priorityClassName": STR, "imagePullSecrets": List(Obj({"name": NAME})),
    "tolerations": List(Obj({"key": STR, "operator": Enum("Exists", "Equal"), "value": STR,
                             "effect": Enum("NoSchedule", "PreferNoSchedule", "NoExecute"),
                             "tolerationSeconds": INT})),
    "topologySpreadConstraints": List(Obj({
        "maxSkew": INT, "topologyKey": STR, "whenUnsatisfiable": Enum("DoNotSchedule", "ScheduleAnyway"),
        "labelSelector": LABEL_SELECTOR, "minDomains": INT}, required=["maxSkew", "topologyKey", "whenUnsatisfiable"])),
}, required=["containers"])
POD_TEMPLATE = Obj({"metadata": TEMPLATE_META, "spec": POD_SPEC}, required=["spec"])
PVC_SPEC = Obj({"accessModes": List(Enum("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"), 1),
                "resources": Obj({"requests": Obj({"storage": QTY}, required=["storage"])}, required=["requests"]),
                "storageClassName": STR, "volumeMode": Enum("Filesystem", "Block")},
               required=["accessModes", "resources"])
JOB_SPEC = Obj({"template": POD_TEMPLATE, "backoffLimit": INT, "activeDeadlineSeconds": INT,
                "ttlSecondsAfterFinished": INT, "completions": INT, "parallelism": INT}, required=["template"])
POLICY_RULE = Obj({"apiGroups": List(STR), "resources": List(STR), "resourceNames": List(STR),
                   "nonResourceURLs": List(STR),
                   "verbs": List(Enum("get", "list", "watch", "create", "update", "patch", "delete",
                                      "deletecollection", "*"), 1)}, required=["verbs"])
ROLE_REF = Obj({"apiGroup": Enum("rbac.authorization.k8s.io"), "kind": Enum("Role", "ClusterRole"), "name": NAME},
               required=["apiGroup", "kind", "name"])
SUBJECT = Obj({"kind": Enum("ServiceAccount", "User", "Group"), "name": STR, "namespace": LABEL_NAME,
               "apiGroup": STR}, required=["kind", "name"])
RESOURCE_LIST = Map(QTY, RESOURCE_NAME)
LIMIT_RANGE_ITEM = Obj({"type": Enum("Container", "Pod", "PersistentVolumeClaim"), "max": RESOURCE_LIST,
                        "min": RESOURCE_LIST, "default": RESOURCE_LIST, "defaultRequest": RESOURCE_LIST,
                        "maxLimitRequestRatio": RESOURCE_LIST}, required=["type"])
QUOTA_SCOPE = Enum("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                   "CrossNamespacePodAffinity")
QUOTA_SPEC = Obj({
    "hard": Map(QTY, QUOTA_NAME), "scopes": List(QUOTA_SCOPE),
    "scopeSelector": Obj({"matchExpressions": List(Obj({
        "scopeName": QUOTA_SCOPE, "operator": Enum("In", "NotIn", "Exists", "DoesNotExist"), "values": List(STR),
    }, required=["scopeName", "operator"]), 1)}, required=["matchExpressions"]),
})
# A peer is pods chosen by labels (in the policy's namespace, or in the namespaces a namespaceSelector chooses), or
# an IP block; networkpolicy_rules says which combinations are allowed.
NETWORK_PEER = Obj({"podSelector": LABEL_SELECTOR, "namespaceSelector": LABEL_SELECTOR,
                    "ipBlock": Obj({"cidr": CIDR, "except": List(CIDR)}, required=["cidr"])})
NETWORK_PORT = Obj({"protocol": Enum("TCP", "UDP", "SCTP"), "port": INT_OR_STR, "endPort": PORT})
NETWORK_POLICY_SPEC = Obj({
    "podSelector": LABEL_SELECTOR, "policyTypes": List(Enum("Ingress", "Egress")),
    "ingress": List(Obj({"from": List(NETWORK_PEER), "ports": List(NETWORK_PORT)})),
    "egress": List(Obj({"to": List(NETWORK_PEER), "ports": List(NETWORK_PORT)})),
}, required=["podSelector"])


def top(spec=None, spec_required=True, **extra):
    fields = {"apiVersion": STR, "kind": STR, "metadata": META, **extra}
    if spec is not None:
        fields["spec"] = spec
    required = ["apiVersion", "kind", "metadata"] + (["spec"] if spec is not None and spec_required else [])
    return Obj(fields, required=required)


# ---------------------------------------------------------------------------------------------------------------
# Knative Serving (serving.knative.dev/v1) and Eventing (eventing.knative.dev/v1, sources.knative.dev/v1)
# ---------------------------------------------------------------------------------------------------------------
# Knative accepts a subset of the pod and container fields (its webhook rejects the rest unless a feature flag
# allows them); these are the ones it allows by default.
KN_PROBE = Obj({"httpGet": HTTP_GET, "exec": EXEC, "tcpSocket": Obj({"port": INT_OR_STR}), **PROBE_FIELDS},
               one_of=["httpGet", "exec", "tcpSocket"])
KN_CONTAINER = Obj({
    "name": LABEL_NAME, "image": STR, "command": List(STR), "args": List(STR), "workingDir": STR,
    "ports": List(Obj({"name": Enum("http1", "h2c"), "containerPort": PORT, "protocol": Enum("TCP")}), 0),
    "env": List(ENV_VAR), "envFrom": List(ENV_FROM), "resources": RESOURCES, "volumeMounts": List(VOLUME_MOUNT),
    "livenessProbe": KN_PROBE, "readinessProbe": KN_PROBE, "startupProbe": KN_PROBE,
    "imagePullPolicy": Enum("Always", "IfNotPresent", "Never"),
    "securityContext": CONTAINER_SECURITY,
}, required=["image"])
KN_REVISION_SPEC = Obj({
    "containers": List(KN_CONTAINER, 1), "volumes": List(VOLUME), "serviceAccountName": NAME,
    "imagePullSecrets": List(Obj({"name": NAME})), "enableServiceLinks": BOOL,
    "containerConcurrency": INT, "timeoutSeconds": INT, "responseStartTimeoutSeconds": INT,
    "idleTimeoutSeconds": INT,
}, required=["containers"])
KN_SERVICE_SPEC = Obj({
    "template": Obj({"metadata": TEMPLATE_META, "spec": KN_REVISION_SPEC}, required=["spec"]),
    "traffic": List(Obj({"revisionName": STR, "configurationName": STR, "latestRevision": BOOL,
                         "percent": INT, "tag": STR})),
}, required=["template"])
KREFERENCE = Obj({"apiVersion": STR, "kind": STR, "name": NAME, "namespace": LABEL_NAME},
                 required=["apiVersion", "kind", "name"])
DESTINATION = Obj({"ref": KREFERENCE, "uri": STR, "CACerts": STR, "audience": STR})
DELIVERY = Obj({"retry": INT, "backoffPolicy": Enum("linear", "exponential"), "backoffDelay": DURATION,
                "deadLetterSink": DESTINATION, "timeout": DURATION})
CE_OVERRIDES = Obj({"extensions": Map(STR)})
BROKER_SPEC = Obj({"config": KREFERENCE, "delivery": DELIVERY})
TRIGGER_SPEC = Obj({"broker": NAME, "filter": Obj({"attributes": Map(STR)}), "filters": List(Map(ANY)),
                    "subscriber": DESTINATION, "delivery": DELIVERY}, required=["broker", "subscriber"])
PING_SPEC = Obj({"schedule": CRON, "timezone": STR, "contentType": STR, "data": STR, "dataBase64": STR,
                 "sink": DESTINATION, "ceOverrides": CE_OVERRIDES}, required=["schedule", "sink"])
APISERVER_SPEC = Obj({
    "resources": List(Obj({"apiVersion": STR, "kind": STR, "selector": LABEL_SELECTOR},
                          required=["apiVersion", "kind"]), 1),
    "owner": Obj({"apiVersion": STR, "kind": STR}, required=["apiVersion", "kind"]),
    "mode": Enum("Reference", "Resource"), "serviceAccountName": NAME, "namespaceSelector": LABEL_SELECTOR,
    "sink": DESTINATION, "ceOverrides": CE_OVERRIDES, "filters": List(Map(ANY)),
}, required=["resources", "sink"])

SCHEMAS = {
    ("v1", "Namespace"): top(),
    ("v1", "ConfigMap"): top(data=Map(STR), binaryData=Map(STR), immutable=BOOL),
    ("v1", "Secret"): top(type=STR, data=Map(STR), stringData=Map(STR), immutable=BOOL),
    ("v1", "ServiceAccount"): top(automountServiceAccountToken=BOOL, imagePullSecrets=List(Obj({"name": NAME}))),
    ("v1", "PersistentVolumeClaim"): top(PVC_SPEC),
    ("v1", "Service"): top(Obj({
        "type": Enum("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"), "selector": Map(STR),
        "clusterIP": STR, "externalName": STR, "sessionAffinity": Enum("None", "ClientIP"),
        "ports": List(Obj({"name": LABEL_NAME, "port": PORT, "targetPort": INT_OR_STR, "nodePort": PORT,
                           "protocol": Enum("TCP", "UDP", "SCTP"), "appProtocol": STR}, required=["port"]), 1),
    }, required=["ports"])),
    ("apps/v1", "Deployment"): top(Obj({
        "replicas": INT, "selector": LABEL_SELECTOR, "template": POD_TEMPLATE, "revisionHistoryLimit": INT,
        "minReadySeconds": INT, "progressDeadlineSeconds": INT,
        "strategy": Obj({"type": Enum("RollingUpdate", "Recreate"),
                         "rollingUpdate": Obj({"maxSurge": INT_OR_STR, "maxUnavailable": INT_OR_STR})}),
    }, required=["selector", "template"])),
    ("apps/v1", "StatefulSet"): top(Obj({
        "serviceName": STR, "replicas": INT, "selector": LABEL_SELECTOR, "template": POD_TEMPLATE,
        "volumeClaimTemplates": List(Obj({"metadata": TEMPLATE_META, "spec": PVC_SPEC}, required=["metadata", "spec"])),
        "podManagementPolicy": Enum("OrderedReady", "Parallel"), "revisionHistoryLimit": INT,
        "updateStrategy": Obj({"type": Enum("RollingUpdate", "OnDelete"),
                               "rollingUpdate": Obj({"partition": INT, "maxUnavailable": INT_OR_STR})}),
    }, required=["serviceName", "selector", "template"])),
    ("batch/v1", "CronJob"): top(Obj({
        "schedule": CRON, "timeZone": STR, "suspend": BOOL, "startingDeadlineSeconds": INT,
        "concurrencyPolicy": Enum("Allow", "Forbid", "Replace"), "successfulJobsHistoryLimit": INT,
        "failedJobsHistoryLimit": INT,
        "jobTemplate": Obj({"metadata": TEMPLATE_META, "spec": JOB_SPEC}, required=["spec"]),
    }, required=["schedule", "jobTemplate"])),
    ("policy/v1", "PodDisruptionBudget"): top(Obj({
        "minAvailable": INT_OR_STR, "maxUnavailable": INT_OR_STR, "selector": LABEL_SELECTOR,
        "unhealthyPodEvictionPolicy": Enum("IfHealthyBudget", "AlwaysAllow"),
    }, required=["selector"], one_of=["minAvailable", "maxUnavailable"])),
    ("v1", "ResourceQuota"): top(QUOTA_SPEC),
    ("v1", "LimitRange"): top(Obj({"limits": List(LIMIT_RANGE_ITEM, 1)}, required=["limits"])),
    ("networking.k8s.io/v1", "NetworkPolicy"): top(NETWORK_POLICY_SPEC),
    ("networking.k8s.io/v1", "Ingress"): top(Obj({
        "ingressClassName": STR,
        "tls": List(Obj({"hosts": List(STR), "secretName": NAME})),
        "rules": List(Obj({"host": NAME, "http": Obj({"paths": List(Obj({
            "path": STR, "pathType": Enum("Exact", "Prefix", "ImplementationSpecific"),
            "backend": Obj({"service": Obj({"name": NAME, "port": Obj({"name": LABEL_NAME, "number": PORT},
                                                                       one_of=["name", "number"])},
                                           required=["name", "port"])}, required=["service"]),
        }, required=["path", "pathType", "backend"]), 1)}, required=["paths"])}), 1),
    }, required=["rules"])),
    ("rbac.authorization.k8s.io/v1", "Role"): top(rules=List(POLICY_RULE)),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): top(rules=List(POLICY_RULE)),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): top(roleRef=ROLE_REF, subjects=List(SUBJECT)),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): top(roleRef=ROLE_REF, subjects=List(SUBJECT)),
    ("serving.knative.dev/v1", "Service"): top(KN_SERVICE_SPEC),
    ("eventing.knative.dev/v1", "Broker"): top(BROKER_SPEC, spec_required=False),
    ("eventing.knative.dev/v1", "Trigger"): top(TRIGGER_SPEC),
    ("sources.knative.dev/v1", "PingSource"): top(PING_SPEC),
    ("sources.knative.dev/v1", "ApiServerSource"): top(APISERVER_SPEC),
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding"}
KNATIVE_AUTOSCALING = {"class", "metric", "target", "target-utilization-percentage", "min-scale", "max-scale",
                       "initial-scale", "scale-down-delay", "window", "panic-window-percentage",
                       "panic-threshold-percentage", "activation-scale", "scale-to-zero-pod-retention-period"}


def knative_rules(doc, where, errors):
    """What Knative's webhook would refuse in a Service beyond the shape: autoscaling annotations, ports and
    writable mounts of Secret and ConfigMap volumes."""
    tmpl = doc.get("spec", {}).get("template", {})
    ann = tmpl.get("metadata", {}).get("annotations", {}) or {}
    for key, value in ann.items():
        if key.startswith("autoscaling.knative.dev/"):
            name = key.split("/", 1)[1]
            if name not in KNATIVE_AUTOSCALING:
                errors.append(f"{where}: unknown autoscaling annotation {key!r}")
            elif name in ("min-scale", "max-scale", "initial-scale", "activation-scale") and not value.isdigit():
                errors.append(f"{where}: {key} must be a whole number, not {value!r}")
            elif name == "target" and not re.fullmatch(r"\d+(\.\d+)?", value):
                errors.append(f"{where}: {key} must be a number, not {value!r}")
            elif name in ("scale-down-delay", "window", "scale-to-zero-pod-retention-period") and \
                    not re.fullmatch(r"\d+(h|m|s)(\d+(m|s))?", value):
                errors.append(f"{where}: {key} must be a duration such as 5m, not {value!r}")
            elif name == "class" and value not in ("kpa.autoscaling.knative.dev", "hpa.autoscaling.knative.dev"):
                errors.append(f"{where}: {key} {value!r} is not a Knative autoscaler class")
            elif name == "metric" and value not in ("concurrency", "rps", "cpu", "memory"):
                errors.append(f"{where}: {key} {value!r} is not a Knative autoscaling metric")
    lo, hi = ann.get("autoscaling.knative.dev/min-scale"), ann.get("autoscaling.knative.dev/max-scale")
    if lo and hi and lo.isdigit() and hi.isdigit() and int(hi) and int(lo) > int(hi):
        errors.append(f"{where}: min-scale {lo} is above max-scale {hi}")
    visibility = doc["metadata"].get("labels", {}).get("networking.knative.dev/visibility")
    if visibility not in (None, "cluster-local"):
        errors.append(f"{where}: networking.knative.dev/visibility must be cluster-local, not {visibility!r}")
    spec = tmpl.get("spec", {})
    containers = spec.get("containers", [])
    if len(containers) > 1 and sum(1 for c in containers if c.get("ports")) != 1:
        errors.append(f"{where}: with several containers exactly one names the serving port")
    for c in containers:
        if len(c.get("ports", [])) > 1:
            errors.append(f"{where}: container {c.get('name')!r} may name one port only")
        port = (c.get("ports") or [{}])[0].get("containerPort", 8080)
        if port in (8012, 8013, 8022, 9090, 9091):
            errors.append(f"{where}: port {port} is reserved by Knative's queue-proxy")
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            p = (c.get(probe) or {}).get("httpGet", {}).get("port")
            if p is not None and p != port:
                errors.append(f"{where}: {probe} port {p} is not the serving port {port}")
        # Knative lets only emptyDir and PersistentVolumeClaim volumes be mounted writable.
        for m in c.get("volumeMounts", []):
            vol = next((v for v in spec.get("volumes", []) if v.get("name") == m.get("name")), {})
            if ("secret" in vol or "configMap" in vol) and m.get("readOnly") is not True:
                errors.append(f"{where}: container {c.get('name')!r} mounts {m.get('name')!r} without readOnly: true,"
                              f" which Knative requires for Secret and ConfigMap volumes")


POD_SECURITY_LEVEL = ("privileged", "baseline", "restricted")
POD_SECURITY_VERSION = re.compile(r"^(latest|v1\.[0-9]+)$")


def namespace_rules(doc, where, errors):
    """Pod Security Admission's labels: a mode names a level, a mode's version is latest or v1.N; a misspelt
    label would leave the namespace unprotected without a word."""
    labels = (doc.get("metadata") or {}).get("labels")
    for key, value in (labels if isinstance(labels, dict) else {}).items():
        if not key.startswith("pod-security.kubernetes.io/"):
            continue
        mode, _, version = key.split("/", 1)[1].partition("-")
        if mode not in ("enforce", "audit", "warn") or version not in ("", "version"):
            errors.append(f"{where}: label {key!r} is not a Pod Security Admission label")
        elif not version and value not in POD_SECURITY_LEVEL:
            errors.append(f"{where}: {key} {value!r} is not one of {', '.join(POD_SECURITY_LEVEL)}")
        elif version and not POD_SECURITY_VERSION.match(str(value)):
            errors.append(f"{where}: {key} {value!r} is neither latest nor a version such as v1.25")


def overcommit_allowed(resource):
    """Kubernetes lets only cpu, memory and ephemeral-storage have a limit above the request (not hugepages, not
    extended resources such as GPUs)."""
    return resource in ("cpu", "memory", "ephemeral-storage")


def limitrange_rules(doc, where, errors):
    """What the API server refuses in a LimitRange beyond the shape (min <= default request <= default <= max,
    extended resources not overcommitted), and a max without a default, which Kubernetes silently turns into the
    default: every container would get the max."""
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    for i, item in enumerate(spec.get("limits") if isinstance(spec.get("limits"), list) else []):
        if not isinstance(item, dict):
            continue
        at = f"{where}: spec.limits[{i}]"
        kind = item.get("type")
        if kind == "Pod" and ("default" in item or "defaultRequest" in item):
            errors.append(f"{at}: default and defaultRequest are for containers, not type Pod")
        values = {k: item.get(k) if isinstance(item.get(k), dict) else {}
                  for k in ("min", "defaultRequest", "default", "max", "maxLimitRequestRatio")}
        order = ("min", "defaultRequest", "default", "max")
        for lo_i, lo in enumerate(order):
            for hi in order[lo_i + 1:]:
                for resource in set(values[lo]) & set(values[hi]):
                    a, b = quantity(values[lo][resource]), quantity(values[hi][resource])
                    if a is not None and b is not None and a > b:
                        errors.append(f"{at}: {lo} {resource} {values[lo][resource]} is above {hi} "
                                      f"{values[hi][resource]}")
        for resource in set(values["default"]) & set(values["defaultRequest"]):
            if not overcommit_allowed(resource) and \
                    quantity(values["default"][resource]) != quantity(values["defaultRequest"][resource]):
                errors.append(f"{at}: {resource} cannot be overcommitted: its default must equal its defaultRequest")
        for resource, ratio in values["maxLimitRequestRatio"].items():
            if not overcommit_allowed(resource):
                errors.append(f"{at}: maxLimitRequestRatio of {resource}, which cannot be overcommitted")
            elif quantity(ratio) is not None and quantity(ratio) < 1:
                errors.append(f"{at}: maxLimitRequestRatio {resource} {ratio} is below 1")
        if kind == "Container":
            for resource in set(values["max"]) - set(values["default"]):
                errors.append(f"{at}: max {resource} has no default: Kubernetes would make the max every"
                              f" container's default limit")


def networkpolicy_rules(doc, where, errors):
    """What the API server refuses in a NetworkPolicy beyond the shape, and rules its policyTypes would ignore."""
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    types = spec.get("policyTypes") if isinstance(spec.get("policyTypes"), list) else []
    if len(set(types)) != len(types):
        errors.append(f"{where}: policyTypes names a type twice")
    for direction, peers_key, kind in (("ingress", "from", "Ingress"), ("egress", "to", "Egress")):
        rules = spec.get(direction) if isinstance(spec.get(direction), list) else []
        if rules and types and kind not in types:
            errors.append(f"{where}: {direction} rules without {kind} in policyTypes are ignored")
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            at = f"{where}: spec.{direction}[{i}]"
            for j, peer in enumerate(rule.get(peers_key) or []):
                if not isinstance(peer, dict):
                    continue
                if not peer:
                    errors.append(f"{at}.{peers_key}[{j}]: an empty peer (name pods, namespaces or an ipBlock)")
                if "ipBlock" in peer and len(peer) > 1:
                    errors.append(f"{at}.{peers_key}[{j}]: ipBlock cannot be combined with a selector")
                block = peer.get("ipBlock") or {}
                if cidr(block.get("cidr")):
                    net = ipaddress.ip_network(block["cidr"])
                    for e in block.get("except") or []:
                        if cidr(e) and (ipaddress.ip_network(e).version != net.version or
                                        not ipaddress.ip_network(e).subnet_of(net)):
                            errors.append(f"{at}.{peers_key}[{j}]: except {e} is not inside {block['cidr']}")
            for j, port in enumerate(rule.get("ports") or []):
                if not isinstance(port, dict):
                    continue
                p, end = port.get("port"), port.get("endPort")
                if isinstance(p, str) and not (len(p) <= 15 and IANA_SVC_NAME.match(p)):
                    errors.append(f"{at}.ports[{j}]: {p!r} is neither a port number nor a port name")
                if isinstance(p, int) and not isinstance(p, bool) and not 1 <= p <= 65535:
                    errors.append(f"{at}.ports[{j}]: {p} is not a port number")
                if end is not None and not (isinstance(p, int) and isinstance(end, int) and end >= p):
                    errors.append(f"{at}.ports[{j}]: endPort needs a numeric port and must not be below it")


# Kind-specific rules beyond the shape, run after the schema of the same kind.
RULES = {
    ("v1", "Namespace"): namespace_rules,
    ("v1", "LimitRange"): limitrange_rules,
    ("networking.k8s.io/v1", "NetworkPolicy"): networkpolicy_rules,
    ("serving.knative.dev/v1", "Service"): knative_rules,
}


def check_schema(docs):
    errors = []
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict):
            errors.append(f"document {i}: not an object")
            continue
        key = (doc.get("apiVersion"), doc.get("kind"))
        name = (doc.get("metadata") or {}).get("name", f"#{i}")
        where = f"{key[1]} {name}"
        spec = SCHEMAS.get(key)
        if spec is None:
            errors.append(f"{where}: no schema for {key[0]} {key[1]} (an API this checker does not know)")
            continue
        check(doc, spec, where, errors)
        ns = (doc.get("metadata") or {}).get("namespace")
        if key[1] in CLUSTER_SCOPED and ns:
            errors.append(f"{where}: cluster-scoped, but names namespace {ns!r}")
        if key[1] not in CLUSTER_SCOPED and not ns:
            errors.append(f"{where}: names no namespace (every object here says where it goes)")
        if key in RULES:
            RULES[key](doc, where, errors)
    return errors


# ---------------------------------------------------------------------------------------------------------------
# References between the rendered objects
# ---------------------------------------------------------------------------------------------------------------
def pod_specs(doc):
    kind, spec = doc["kind"], doc.get("spec", {})
    if kind in ("Deployment", "StatefulSet"):
        yield spec.get("template", {}), True
    elif kind == "CronJob":
        yield spec.get("jobTemplate", {}).get("spec", {}).get("template", {}), False
    elif kind == "Service" and doc["apiVersion"] == "serving.knative.dev/v1":
        yield spec.get("template", {}), False


def selector_matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_references(docs, external_secrets):
    errors = []
    objs = {}
    for d in docs:
        objs.setdefault((d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]), d)

    def has(kind, ns, name, api=None):
        d = objs.get((kind, ns, name))
        return d is not None and (api is None or d["apiVersion"].startswith(api))

    namespaces = {d["metadata"]["name"] for d in docs if d["kind"] == "Namespace"}
    for d in docs:
        ns, name, kind = d["metadata"].get("namespace"), d["metadata"]["name"], d["kind"]
        where = f"{kind} {ns}/{name}" if ns else f"{kind} {name}"
        if ns and ns not in namespaces:
            errors.append(f"{where}: namespace {ns!r} is not in the render")
        secret_ok = lambda s: has("Secret", ns, s) or f"{ns}/{s}" in external_secrets

        for template, needs_selector in pod_specs(d):
            pod = template.get("spec", {})
            labels = template.get("metadata", {}).get("labels", {})
            if needs_selector and not selector_matches(d["spec"].get("selector", {}).get("matchLabels"), labels):
                errors.append(f"{where}: spec.selector does not match the pod template's labels")
            sa = pod.get("serviceAccountName")
            if sa and not has("ServiceAccount", ns, sa):
                errors.append(f"{where}: ServiceAccount {sa!r} is not in the render")
            volumes = {v["name"]: v for v in pod.get("volumes", [])}
            claim_templates = {t["metadata"]["name"] for t in d["spec"].get("volumeClaimTemplates", [])}
            for v in volumes.values():
                if "configMap" in v and not has("ConfigMap", ns, v["configMap"]["name"]):
                    errors.append(f"{where}: volume {v['name']}: ConfigMap {v['configMap']['name']!r} is not in the render")
                if "secret" in v and not secret_ok(v["secret"]["secretName"]):
                    errors.append(f"{where}: volume {v['name']}: Secret {v['secret']['secretName']!r} is not in the render")
                # Keys projected with items: must exist in the object (when it is rendered; external ones are not).
                for src, src_kind, src_name in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
                    if src not in v:
                        continue
                    o = objs.get((src_kind, ns, v[src][src_name]))
                    if o is None:
                        continue
                    keys = {**o.get("data", {}), **o.get("binaryData", {}), **o.get("stringData", {})}
                    for item in v[src].get("items", []):
                        if item["key"] not in keys:
                            errors.append(f"{where}: volume {v['name']}: {src_kind} {v[src][src_name]!r}"
                                          f" has no key {item['key']!r}")
                if "persistentVolumeClaim" in v and not has("PersistentVolumeClaim", ns, v["persistentVolumeClaim"]["claimName"]):
                    errors.append(f"{where}: volume {v['name']}: PVC {v['persistentVolumeClaim']['claimName']!r} is not in the render")
            for c in pod.get("containers", []) + pod.get("initContainers", []):
                cw = f"{where} container {c.get('name')}"
                for m in c.get("volumeMounts", []):
                    if m["name"] not in volumes and m["name"] not in claim_templates:
                        errors.append(f"{cw}: mounts {m['name']!r}, which is no volume of the pod")
                for e in c.get("envFrom", []):
                    if "configMapRef" in e and not has("ConfigMap", ns, e["configMapRef"]["name"]):
                        errors.append(f"{cw}: envFrom ConfigMap {e['configMapRef']['name']!r} is not in the render")
                    if "secretRef" in e and not secret_ok(e["secretRef"]["name"]):
                        errors.append(f"{cw}: envFrom Secret {e['secretRef']['name']!r} is not in the render")
                for e in c.get("env", []):
                    ref = (e.get("valueFrom") or {})
                    if "secretKeyRef" in ref:
                        s = ref["secretKeyRef"]
                        sd = objs.get(("Secret", ns, s["name"]))
                        if not secret_ok(s["name"]):
                            errors.append(f"{cw}: env {e['name']}: Secret {s['name']!r} is not in the render")
                        elif sd and s["key"] not in {**sd.get("data", {}), **sd.get("stringData", {})}:
                            errors.append(f"{cw}: env {e['name']}: Secret {s['name']!r} has no key {s['key']!r}")
                ports = {p.get("name") for p in c.get("ports", [])}
                for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                    p = (c.get(probe) or {}).get("httpGet", {}).get("port")
                    if isinstance(p, str) and p not in ports:
                        errors.append(f"{cw}: {probe} names port {p!r}, which the container does not have")

        if kind == "Service" and d["apiVersion"] == "v1" and d["spec"].get("selector"):
            sel = d["spec"]["selector"]
            targets = [t for o in docs if o["metadata"].get("namespace") == ns
                       for t, _ in pod_specs(o) if selector_matches(sel, t.get("metadata", {}).get("labels", {}))]
            if not targets:
                errors.append(f"{where}: selector {sel} matches no pod template in the render")
            for p in d["spec"]["ports"]:
                tp = p.get("targetPort")
                if isinstance(tp, str) and not any(tp in {cp.get("name") for c in t["spec"]["containers"]
                                                         for cp in c.get("ports", [])} for t in targets):
                    errors.append(f"{where}: targetPort {tp!r} is no named port of its pods")
        if kind == "StatefulSet" and not has("Service", ns, d["spec"]["serviceName"], "v1"):
            errors.append(f"{where}: serviceName {d['spec']['serviceName']!r} is not a Service in the render")
        if kind == "PodDisruptionBudget":
            sel = d["spec"]["selector"].get("matchLabels")
            if not any(selector_matches(sel, t.get("metadata", {}).get("labels", {}))
                       for o in docs if o["metadata"].get("namespace") == ns for t, _ in pod_specs(o)):
                errors.append(f"{where}: selector matches no pod template in the render")
        if kind in ("RoleBinding", "ClusterRoleBinding"):
            rr = d["roleRef"]
            if not has(rr["kind"], ns if rr["kind"] == "Role" else None, rr["name"]):
                errors.append(f"{where}: {rr['kind']} {rr['name']!r} is not in the render")
            for s in d.get("subjects", []):
                if s["kind"] == "ServiceAccount" and not has("ServiceAccount", s.get("namespace", ns), s["name"]):
                    errors.append(f"{where}: ServiceAccount {s.get('namespace', ns)}/{s['name']} is not in the render")
        if kind == "Ingress":
            for rule in d["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    svc = path["backend"]["service"]
                    k8s = objs.get(("Service", ns, svc["name"]))
                    kn = has("Service", ns, svc["name"], "serving.knative.dev")
                    if k8s is None and not kn:
                        errors.append(f"{where}: backend {svc['name']!r} is neither a Service nor a Knative Service here")
                    elif k8s is not None and k8s["apiVersion"] == "v1":
                        names = {p.get("name") for p in k8s["spec"]["ports"]}
                        numbers = {p["port"] for p in k8s["spec"]["ports"]}
                        port = svc["port"]
                        if ("name" in port and port["name"] not in names) or ("number" in port and port["number"] not in numbers):
                            errors.append(f"{where}: backend {svc['name']!r} has no port {port}")
                    elif kn and svc["port"] != {"number": 80}:
                        errors.append(f"{where}: a Knative Service's Kubernetes Service listens on port 80, not {svc['port']}")
            for t in d["spec"].get("tls", []):
                if t.get("secretName") and not secret_ok(t["secretName"]):
                    errors.append(f"{where}: TLS Secret {t['secretName']!r} is not in the render (nor named external)")
        if kind == "NetworkPolicy":
            # A peer naming a namespace of the render by name must choose pods that the render runs there.
            for direction, peers_key in (("ingress", "from"), ("egress", "to")):
                for rule in d["spec"].get(direction) or []:
                    for peer in rule.get(peers_key) or []:
                        target = ((peer.get("namespaceSelector") or {}).get("matchLabels") or {}).get(NAMESPACE_NAME)
                        pods = (peer.get("podSelector") or {}).get("matchLabels")
                        if target in namespaces and pods and not any(
                                selector_matches(pods, t.get("metadata", {}).get("labels", {}))
                                for o in docs if o["metadata"].get("namespace") == target for t, _ in pod_specs(o)):
                            errors.append(f"{where}: {direction} peer {pods} matches no pod template in namespace"
                                          f" {target}")
        if d["apiVersion"].endswith("knative.dev/v1") and kind in ("Trigger", "PingSource", "ApiServerSource"):
            spec = d["spec"]
            dest = spec.get("subscriber") if kind == "Trigger" else spec.get("sink")
            ref = (dest or {}).get("ref")
            if ref and not has(ref["kind"], ref.get("namespace", ns), ref["name"], ref["apiVersion"].split("/")[0]):
                errors.append(f"{where}: {ref['kind']} {ref['name']!r} ({ref['apiVersion']}) is not in the render")
            if kind == "Trigger" and not has("Broker", ns, spec["broker"]):
                errors.append(f"{where}: Broker {spec['broker']!r} is not in the render")
            sa = spec.get("serviceAccountName")
            if sa and not has("ServiceAccount", ns, sa):
                errors.append(f"{where}: ServiceAccount {sa!r} is not in the render")
    return errors


# ---------------------------------------------------------------------------------------------------------------
# The local executor is off everywhere
# ---------------------------------------------------------------------------------------------------------------
class CloudFormationLoader(yaml.SafeLoader):
    """Reads AWS SAM templates too: a short-form intrinsic function (!Ref, !Sub, ...) becomes the value it wraps,
    so that the strings under it are read like any other."""


CloudFormationLoader.add_multi_constructor(
    "!", lambda loader, suffix, node:
    loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else
    loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode) else
    loader.construct_mapping(node, deep=True))

# The setting under any of its spellings: the property, its environment variable, with a Quarkus profile
# (%dev.trainwatch..., _DEV_TRAINWATCH_...).
LOCAL_EXECUTOR_KEY = re.compile(r"(^|\.)trainwatch\.executor\.local\.enabled$")
# ... and inside a string: -Dtrainwatch.executor.local.enabled=true, a properties file, a shell assignment.
LOCAL_EXECUTOR_TEXT = re.compile(r"trainwatch[._-]executor[._-]local[._-]enabled[\"']?\s*[=:]\s*[\"']?([^\s\"',;]*)",
                                 re.IGNORECASE)


def local_executor_key(key):
    return isinstance(key, str) and bool(LOCAL_EXECUTOR_KEY.search(re.sub(r"[_-]", ".", key.lower())))


def check_local_executor(docs, label):
    """Every place a manifest or template could turn the local executor on: environment variables (env value,
    ConfigMap and Secret data, SAM Variables), any key naming the property, and any string that assigns it
    (args, JAVA_TOOL_OPTIONS, properties files). Anything but false is an error; so is an env valueFrom, whose
    value cannot be read here."""
    errors = []

    def off(value):
        return value is False or (isinstance(value, str) and value.strip().lower() == "false")

    def walk(node, path):
        if isinstance(node, dict):
            if local_executor_key(node.get("name")) and ("value" in node or "valueFrom" in node) \
                    and not off(node.get("value")):
                errors.append(f"{path}: env {node['name']} is {node.get('value', 'set by valueFrom')!r}")
            for k, v in node.items():
                at = f"{path}{'' if path.endswith(' ') else '.'}{k}"
                if local_executor_key(k) and not off(v):
                    errors.append(f"{at}: {v!r}")
                walk(v, at)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, str):
            for m in LOCAL_EXECUTOR_TEXT.finditer(node):
                if not off(m.group(1)):
                    errors.append(f"{path}: {m.group(0)!r}")

    for i, doc in enumerate(docs):
        if isinstance(doc, dict) and doc.get("kind") and isinstance(doc.get("metadata"), dict):
            meta = doc["metadata"]
            name = f"{meta['namespace']}/{meta.get('name')}" if meta.get("namespace") else meta.get("name", f"#{i}")
            where = f"{label}: {doc['kind']} {name} "
            if doc["kind"] == "Secret" and isinstance(doc.get("data"), dict):
                # Secret data is base64: read what the container's environment would get.
                decoded = {}
                for k, v in doc["data"].items():
                    try:
                        decoded[k] = base64.b64decode(str(v), validate=True).decode("utf-8", "replace")
                    except ValueError:
                        errors.append(f"{where}data.{k}: not base64")
                doc = {**doc, "data": decoded}
        else:
            where = f"{label}: "
        walk(doc, where)
    return errors


# ---------------------------------------------------------------------------------------------------------------
# The training namespace's policy
# ---------------------------------------------------------------------------------------------------------------
TRAINING_QUOTA = ("requests.cpu", "limits.cpu", "requests.memory", "limits.memory", "requests.nvidia.com/gpu",
                  "pods", "count/jobs.batch")
# trainwatch-config's per-job maximum -> the LimitRange max it must equal.
TRAINING_MAX = {"TRAINWATCH_KUBERNETES_LIMITS_CPU": "cpu", "TRAINWATCH_KUBERNETES_LIMITS_MEMORY": "memory", "TRAINWATCH_KUBERNETES_LIMITS_GPU": "nvidia.com/gpu"}


def label_selector_matches(selector, labels):
    """A LabelSelector against labels: an empty selector matches everything."""
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        present, value = e["key"] in labels, labels.get(e["key"])
        if not {"In": present and value in (e.get("values") or []),
                "NotIn": not present or value not in (e.get("values") or []),
                "Exists": present, "DoesNotExist": not present}[e["operator"]]:
            return False
    return True


def empty_selector(selector):
    return not (selector or {}).get("matchLabels") and not (selector or {}).get("matchExpressions")


def check_training_policy(docs, label):
    """The namespace training Jobs run in (trainwatch-config's TRAINWATCH_NAMESPACE) enforces the restricted Pod
    Security profile, has a ResourceQuota, a LimitRange whose max is the functions' per-job maximum, and a
    default-deny NetworkPolicy; and no policy lets its pods reach everything, the internet, or any namespace of
    the render (Trainwatch's own: its Redis, PostgreSQL and functions; monitoring; the other training pods).
    Returns the errors and the egress destinations the policies allow."""
    errors = []
    config = next((d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"
                   and d["metadata"]["name"] == "trainwatch-config"), None)
    if config is None:
        return [f"{label}: no ConfigMap trainwatch-config"], []
    ns = config.get("TRAINWATCH_NAMESPACE", "training")
    # Each rendered namespace's labels, with the one Kubernetes adds.
    namespaces = {d["metadata"]["name"]: {**(d["metadata"].get("labels") or {}),
                                          NAMESPACE_NAME: d["metadata"]["name"]}
                  for d in docs if d.get("kind") == "Namespace"}
    here = [d for d in docs if d["metadata"].get("namespace") == ns]
    at = f"{label}: namespace {ns}"

    if ns not in namespaces:
        errors.append(f"{at}: not in the render")
    else:
        labels = namespaces[ns]
        for mode in ("enforce", "audit", "warn"):
            if labels.get(f"pod-security.kubernetes.io/{mode}") != "restricted":
                errors.append(f"{at}: label pod-security.kubernetes.io/{mode} is "
                              f"{labels.get(f'pod-security.kubernetes.io/{mode}')!r}, not 'restricted'")
        if "pod-security.kubernetes.io/enforce-version" not in labels:
            errors.append(f"{at}: no pod-security.kubernetes.io/enforce-version (latest or a pinned v1.N)")

    hard = {k for d in here if d["kind"] == "ResourceQuota" for k in (d["spec"].get("hard") or {})}
    if not any(d["kind"] == "ResourceQuota" for d in here):
        errors.append(f"{at}: no ResourceQuota")
    elif set(TRAINING_QUOTA) - hard:
        errors.append(f"{at}: the ResourceQuota sets no {', '.join(sorted(set(TRAINING_QUOTA) - hard))}")

    items = [i for d in here if d["kind"] == "LimitRange" for i in d["spec"]["limits"] if i["type"] == "Container"]
    if not items:
        errors.append(f"{at}: no LimitRange for containers")
    else:
        for field, resources in (("defaultRequest", ("cpu", "memory")), ("default", ("cpu", "memory")),
                                 ("max", TRAINING_MAX.values())):
            for r in resources:
                if not any(r in (i.get(field) or {}) for i in items):
                    errors.append(f"{at}: the LimitRange gives containers no {field} {r}")
        for key, r in TRAINING_MAX.items():
            most = min((i["max"][r] for i in items if r in (i.get("max") or {})), key=quantity, default=None)
            if key not in config:
                errors.append(f"{label}: trainwatch-config sets no {key}: the functions would accept jobs the"
                              f" LimitRange refuses")
            elif most is not None and quantity(config[key]) != quantity(most):
                errors.append(f"{label}: trainwatch-config {key}={config[key]} but the LimitRange max {r} is {most}:"
                              f" keep them equal")

    policies = [d for d in here if d["kind"] == "NetworkPolicy"]
    if not any(empty_selector(p["spec"].get("podSelector")) and
               {"Ingress", "Egress"} <= set(p["spec"].get("policyTypes") or []) and
               not p["spec"].get("ingress") and not p["spec"].get("egress") for p in policies):
        errors.append(f"{at}: no default-deny NetworkPolicy (podSelector {{}}, policyTypes Ingress and Egress,"
                      f" no rules)")
    destinations = []
    for p in policies:
        for i, rule in enumerate(p["spec"].get("egress") or []):
            where = f"{at}: NetworkPolicy {p['metadata']['name']} egress[{i}]"
            ports = ",".join(f"{q.get('port', 'any')}/{q.get('protocol', 'TCP')}" for q in rule.get("ports") or [])
            if not rule.get("to"):
                errors.append(f"{where}: no 'to', so every destination" + (f" (ports {ports})" if ports else ""))
            for peer in rule.get("to") or []:
                block = peer.get("ipBlock")
                if block:
                    if ipaddress.ip_network(block["cidr"]).prefixlen == 0:
                        errors.append(f"{where}: ipBlock {block['cidr']} is every address, the internet included")
                    destinations.append(f"{block['cidr']}:{ports or 'any'}")
                    continue
                if "namespaceSelector" not in peer:
                    errors.append(f"{where}: reaches pods of {ns} itself (other teams' jobs)")
                    continue
                reached = sorted(n for n, lbl in namespaces.items()
                                 if label_selector_matches(peer["namespaceSelector"], lbl))
                if empty_selector(peer["namespaceSelector"]):
                    errors.append(f"{where}: namespaceSelector {{}} is every namespace")
                elif reached:
                    errors.append(f"{where}: reaches namespace {', '.join(reached)} of the render (Trainwatch's"
                                  f" Redis, PostgreSQL, functions or monitoring, or other training pods)")
                named = (peer["namespaceSelector"].get("matchLabels") or {}).get(NAMESPACE_NAME)
                destinations.append(f"{named or peer['namespaceSelector']}:{ports or 'any'}")
    return errors, destinations


def load(path, loader=yaml.SafeLoader):
    with open(path) as f:
        try:
            return [d for d in yaml.load_all(f, Loader=loader) if d is not None]
        except yaml.YAMLError as e:
            print(f"{os.path.basename(path)}: not YAML: {' '.join(str(e).split())}")
            sys.exit(1)


def finish(errors, summary):
    for e in errors:
        print(e)
    if not errors:
        print(summary)
    sys.exit(1 if errors else 0)


def main(argv):
    usage = (f"usage: {argv[0]} schema|references RENDERED.yaml [--external-secret NAMESPACE/NAME ...]\n"
             f"       {argv[0]} local-executor RENDERED.yaml|template.yaml ...\n"
             f"       {argv[0]} training-policy RENDERED.yaml ...")
    if len(argv) < 3 or argv[1] not in ("schema", "references", "local-executor", "training-policy"):
        sys.exit(usage)
    if argv[1] == "local-executor":
        names = [os.path.basename(p) for p in argv[2:]]
        errors = [e for p, name in zip(argv[2:], names)
                  for e in check_local_executor(load(p, CloudFormationLoader), name)]
        finish(errors, f"the local executor is not turned on in {', '.join(names)}")
    if argv[1] == "training-policy":
        errors, destinations = [], []
        for p in argv[2:]:
            docs = load(p)
            # The policy is read from valid objects only: a broken one fails here as it fails the schema check.
            if check_schema(docs):
                errors.append(f"{os.path.basename(p)}: the schema check failed; the policy not checked")
                continue
            found, reached = check_training_policy(docs, os.path.basename(p))
            errors += found
            destinations += [d for d in reached if d not in destinations]
        finish(errors, f"restricted, with a quota, container limits equal to the per-job maximum and a default deny,"
                       f" in {len(argv) - 2} render(s); training pods may reach only {', '.join(destinations)}")
    part, path, external, rest = argv[1], argv[2], set(), argv[3:]
    while rest:
        if rest[0] == "--external-secret" and len(rest) > 1:
            external.add(rest[1])
            rest = rest[2:]
        else:
            sys.exit(usage)
    docs = load(path)
    if part == "schema":
        errors = check_schema(docs)
        kinds = sorted({f"{d.get('kind')}" for d in docs if isinstance(d, dict)})
        summary = f"{len(docs)} objects of {len(kinds)} kinds"
    else:
        errors = check_schema(docs)
        if errors:
            errors = ["the schema check failed; references not checked"]
        else:
            errors = check_references(docs, external)
        summary = "every reference resolves" + (f" ({len(external)} Secrets named external)" if external else "")
    finish(errors, summary)


if __name__ == "__main__":
    main(sys.argv)
