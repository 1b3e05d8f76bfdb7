#!/usr/bin/env python3
"""Checks the objects `kubectl kustomize` renders from an overlay, with no cluster.

Usage: manifests.py schema|references RENDERED.yaml [--external-secret NAMESPACE/NAME ...]

Two parts, each printed as one result line by infra/validate:

1. schema: every object is checked against a hand-written schema of its API (below): the Kubernetes core kinds
   and the Knative Serving and Eventing kinds this deployment uses. The schemas are minimal (the fields of each
   type that a deployment like this one writes, plus the common neighbours) and strict: an unknown field, a
   wrong type, a missing required field or a value outside an enumeration is an error. A real field that is
   missing here is reported as unknown too; add it to the schema when you start using it.
2. references: what the objects say about each other resolves within the render: namespaces, ConfigMaps,
   Secrets, PersistentVolumeClaims, ServiceAccounts, Roles, selectors against pod labels, Service and Ingress
   ports, Broker, Trigger and source sinks. Secrets created outside the render (production) are named with
   --external-secret.

Exit status 0 when both pass; messages go to stdout, one per problem.
"""
import re
import sys

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
    def __init__(self, value):
        self.value = value


class Enum:
    def __init__(self, *values):
        self.values = values


class Scalar:
    def __init__(self, name, check):
        self.name, self.check = name, check


DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
ISO_DURATION = re.compile(r"^P(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)$")

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
RESOURCES = Obj({"requests": Map(QTY), "limits": Map(QTY)})
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
        if key == ("serving.knative.dev/v1", "Service"):
            knative_rules(doc, where, errors)
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


def main(argv):
    usage = f"usage: {argv[0]} schema|references RENDERED.yaml [--external-secret NAMESPACE/NAME ...]"
    if len(argv) < 3 or argv[1] not in ("schema", "references"):
        sys.exit(usage)
    part, path, external, rest = argv[1], argv[2], set(), argv[3:]
    while rest:
        if rest[0] == "--external-secret" and len(rest) > 1:
            external.add(rest[1])
            rest = rest[2:]
        else:
            sys.exit(usage)
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
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
    for e in errors:
        print(e)
    if not errors:
        print(summary)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main(sys.argv)
