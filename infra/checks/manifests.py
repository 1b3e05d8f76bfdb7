#!/usr/bin/env python3
"""Checks the objects `kubectl kustomize` renders from an overlay, with no cluster, beyond their schemas.

Usage: manifests.py rules|references RENDERED.yaml [--external-secret NAMESPACE/NAME ...]
       manifests.py local-executor RENDERED.yaml|template.yaml ...
       manifests.py training-policy RENDERED.yaml ...
       manifests.py connections RENDERED.yaml ...

The shape of every object (types, required fields, enumerations, formats, unknown fields, known kinds) is not
checked here: infra/schema-check/check.mjs checks it against the OpenAPI schemas of kubernetes-models and
@kubernetes-models/knative, and references and training-policy run it first (node, with `npm ci` done in
infra/schema-check). Five parts, each printed as one result line by infra/validate:

1. rules: what the API server's validation or Knative's webhooks refuse although the OpenAPI schemas allow it, or
   silently turn into something else (RULES below: Pod Security labels, LimitRange order and defaults,
   ResourceQuota and container resource names, NetworkPolicy peers and ports, Knative's autoscaling annotations,
   ports, read-only mounts, default pod fields and the Eventing objects' required fields); and the project's
   convention that every namespaced object names its namespace.
2. references: what the objects say about each other resolves within the render: namespaces, ConfigMaps,
   Secrets, PersistentVolumeClaims, ServiceAccounts, Roles, selectors against pod labels, Service and Ingress
   ports, NetworkPolicy peers, Broker, Trigger and source sinks. Secrets created outside the render (production)
   are named with --external-secret.
3. local-executor: no rendered overlay and no AWS SAM template turns on the local executor, which runs a
   submitted command as a child process of the functions (a development tool).
4. training-policy: the namespace training Jobs run in enforces the restricted Pod Security profile, has a quota,
   container limits equal to the functions' per-job maximum and a default-deny NetworkPolicy, and no policy lets
   its pods reach everything, the internet or another namespace of the render.
5. connections: every connection that can reach PostgreSQL fits its max_connections, however far the functions
   scale out: the functions go through PgBouncer in transaction mode, with prepared statements not kept per
   connection, and every function replica's full pool fits one PgBouncer's max_client_conn; PgBouncer's replicas
   times max_db_connections, the migration Job and Grafana's pool fit PostgreSQL's max_connections less the
   superuser's reserve. Without a pooler in the render, the functions' replicas times their pools must fit instead.

Exit status 0 when the part passes; messages go to stdout, one per problem.
"""
import base64
import configparser
import ipaddress
import os
import re
import subprocess
import sys
from fractions import Fraction

import yaml

SCHEMA_CHECK = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schema-check", "check.mjs")

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
NAMESPACE_NAME = "kubernetes.io/metadata.name"  # the label Kubernetes gives every namespace (1.21 and later)
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
IANA_SVC_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$")


def cidr(v):
    try:
        ipaddress.ip_network(v, strict=True)
        return True
    except (TypeError, ValueError):
        return False


QUANTITY_SUFFIX = {"": 1, "m": Fraction(1, 1000), "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15,
                   "E": 10**18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}


def quantity(v):
    """A quantity's value, to compare two (None when it is not written as a plain number with a suffix)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return Fraction(v)
    m = QUANTITY.match(v) if isinstance(v, str) else None
    return Fraction(v[:len(v) - len(m.group(2) or "")]) * QUANTITY_SUFFIX[m.group(2) or ""] if m else None


def as_dict(v):
    return v if isinstance(v, dict) else {}


def as_list(v):
    return v if isinstance(v, list) else []


# ---------------------------------------------------------------------------------------------------------------
# The schema check (infra/schema-check), which references and training-policy need to have passed
# ---------------------------------------------------------------------------------------------------------------
def schema_check(path):
    """The violations infra/schema-check/check.mjs prints for a file ([] when every object is valid)."""
    modules = os.path.join(os.path.dirname(SCHEMA_CHECK), "node_modules")
    if not os.path.isdir(modules):
        return [f"{os.path.dirname(SCHEMA_CHECK)} has no node_modules: run npm ci there (infra/validate does)"]
    try:
        r = subprocess.run(["node", SCHEMA_CHECK, "-q", path], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return [f"the schema check did not run: {e}"]
    if r.returncode == 0:
        return []
    return [line for line in (r.stdout + r.stderr).splitlines() if line.strip()] or [f"exit status {r.returncode}"]


# ---------------------------------------------------------------------------------------------------------------
# Rules beyond the OpenAPI schemas: what the API server's validation code or a webhook refuses (or silently turns
# into something else) although the schema allows it
# ---------------------------------------------------------------------------------------------------------------
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding"}


def object_rules(doc, where, errors):
    """A name the API server accepts, and the project's convention: every namespaced object says where it goes."""
    meta = as_dict(doc.get("metadata"))
    name, ns = meta.get("name"), meta.get("namespace")
    if not (isinstance(name, str) and len(name) <= 253 and DNS_SUBDOMAIN.match(name)):
        errors.append(f"{where}: metadata.name {name!r} is not a DNS-1123 name")
    if ns is not None and not (isinstance(ns, str) and len(ns) <= 63 and DNS_LABEL.match(ns)):
        errors.append(f"{where}: metadata.namespace {ns!r} is not a DNS-1123 label")
    if doc.get("kind") in CLUSTER_SCOPED and ns:
        errors.append(f"{where}: cluster-scoped, but names namespace {ns!r}")
    if doc.get("kind") not in CLUSTER_SCOPED and not ns:
        errors.append(f"{where}: names no namespace (every object here says where it goes)")


def resource_name_rules(doc, where, errors):
    """Resource names of containers' requests and limits (a map in the schema, any key): cpu, memory, ... or an
    extended resource such as nvidia.com/gpu; the API server refuses others (a misspelt cpus, gpu)."""
    for template, _ in pod_specs(doc):
        pod = as_dict(template.get("spec"))
        for c in as_list(pod.get("containers")) + as_list(pod.get("initContainers")):
            for field in ("requests", "limits"):
                for r in as_dict(as_dict(as_dict(c).get("resources")).get(field)):
                    if not (STANDARD_RESOURCE.match(r) or EXTENDED_RESOURCE.match(r)):
                        errors.append(f"{where}: container {as_dict(c).get('name')!r} resources.{field}: {r!r} is"
                                      f" not a resource name (cpu, memory, ephemeral-storage, hugepages-<size>,"
                                      f" or an extended domain/name)")


POD_SECURITY_LEVEL = ("privileged", "baseline", "restricted")
POD_SECURITY_VERSION = re.compile(r"^(latest|v1\.[0-9]+)$")


def namespace_rules(doc, where, errors):
    """Pod Security Admission's labels: a mode names a level, a mode's version is latest or v1.N; a misspelt
    label would leave the namespace unprotected without a word."""
    labels = as_dict(as_dict(doc.get("metadata")).get("labels"))
    for key, value in labels.items():
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
    """What the API server refuses in a LimitRange although the schema allows it (resource names, min <= default
    request <= default <= max, extended resources not overcommitted), and a max without a default, which
    Kubernetes silently turns into the default: every container would get the max."""
    for i, item in enumerate(as_list(as_dict(doc.get("spec")).get("limits"))):
        if not isinstance(item, dict):
            continue
        at = f"{where}: spec.limits[{i}]"
        kind = item.get("type")
        if kind == "Pod" and ("default" in item or "defaultRequest" in item):
            errors.append(f"{at}: default and defaultRequest are for containers, not type Pod")
        values = {k: as_dict(item.get(k)) for k in ("min", "defaultRequest", "default", "max", "maxLimitRequestRatio")}
        for field, resources in values.items():
            for resource in resources:
                if not (STANDARD_RESOURCE.match(resource) or EXTENDED_RESOURCE.match(resource)):
                    errors.append(f"{at}: {field} {resource!r} is not a resource name")
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


def quota_rules(doc, where, errors):
    """What a ResourceQuota's hard (a map in the schema, any key) may count: what Kubernetes enforces. A quota on
    the limits of an extended resource (limits.nvidia.com/gpu) is refused: only requests.<resource> is."""
    for key in as_dict(as_dict(doc.get("spec")).get("hard")):
        if not (QUOTA_RESOURCE.match(key) or (key.startswith("requests.") and
                                              EXTENDED_RESOURCE.match(key[len("requests."):]))):
            errors.append(f"{where}: spec.hard {key!r} is not a quota Kubernetes enforces (requests.cpu,"
                          f" limits.memory, pods, count/jobs.batch, requests.<extended resource>...)")


def networkpolicy_rules(doc, where, errors):
    """What the API server refuses in a NetworkPolicy although the schema allows it, and rules its policyTypes
    would ignore."""
    spec = as_dict(doc.get("spec"))
    types = as_list(spec.get("policyTypes"))
    if len(set(types)) != len(types):
        errors.append(f"{where}: policyTypes names a type twice")
    for direction, peers_key, kind in (("ingress", "from", "Ingress"), ("egress", "to", "Egress")):
        rules = as_list(spec.get(direction))
        if rules and types and kind not in types:
            errors.append(f"{where}: {direction} rules without {kind} in policyTypes are ignored")
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            at = f"{where}: spec.{direction}[{i}]"
            for j, peer in enumerate(as_list(rule.get(peers_key))):
                if not isinstance(peer, dict):
                    continue
                if not peer:
                    errors.append(f"{at}.{peers_key}[{j}]: an empty peer (name pods, namespaces or an ipBlock)")
                if "ipBlock" in peer and len(peer) > 1:
                    errors.append(f"{at}.{peers_key}[{j}]: ipBlock cannot be combined with a selector")
                block = as_dict(peer.get("ipBlock"))
                if "cidr" in block and not cidr(block["cidr"]):
                    errors.append(f"{at}.{peers_key}[{j}]: ipBlock {block['cidr']!r} is not a CIDR (network/prefix)")
                if cidr(block.get("cidr")):
                    net = ipaddress.ip_network(block["cidr"])
                    for e in as_list(block.get("except")):
                        if not cidr(e) or ipaddress.ip_network(e).version != net.version or \
                                not ipaddress.ip_network(e).subnet_of(net):
                            errors.append(f"{at}.{peers_key}[{j}]: except {e} is not a CIDR inside {block['cidr']}")
            for j, port in enumerate(as_list(rule.get("ports"))):
                if not isinstance(port, dict):
                    continue
                p, end = port.get("port"), port.get("endPort")
                if isinstance(p, str) and not (len(p) <= 15 and IANA_SVC_NAME.match(p)):
                    errors.append(f"{at}.ports[{j}]: {p!r} is neither a port number nor a port name")
                if isinstance(p, int) and not isinstance(p, bool) and not 1 <= p <= 65535:
                    errors.append(f"{at}.ports[{j}]: {p} is not a port number")
                if end is not None and not (isinstance(p, int) and isinstance(end, int) and end >= p):
                    errors.append(f"{at}.ports[{j}]: endPort needs a numeric port and must not be below it")


KNATIVE_AUTOSCALING = {"class", "metric", "target", "target-utilization-percentage", "min-scale", "max-scale",
                       "initial-scale", "scale-down-delay", "window", "panic-window-percentage",
                       "panic-threshold-percentage", "activation-scale", "scale-to-zero-pod-retention-period"}
# The pod fields Knative Serving accepts with its feature flags at their defaults; its CRD schema also has the
# flagged ones (nodeSelector, affinity, tolerations, initContainers, securityContext, ...), which its webhook
# refuses until the flag is turned on.
KNATIVE_POD_FIELDS = {"containers", "volumes", "serviceAccountName", "imagePullSecrets", "enableServiceLinks",
                      "containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds", "idleTimeoutSeconds"}


def knative_rules(doc, where, errors):
    """What Knative Serving's webhook refuses in a Service although its CRD schema allows it: autoscaling
    annotations, pod fields behind a feature flag, a container without an image, ports, and writable mounts of
    Secret and ConfigMap volumes."""
    tmpl = as_dict(as_dict(doc.get("spec")).get("template"))
    ann = as_dict(as_dict(tmpl.get("metadata")).get("annotations"))
    for key, value in ann.items():
        value = str(value)
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
    lo, hi = (str(ann.get(f"autoscaling.knative.dev/{k}", "")) for k in ("min-scale", "max-scale"))
    if lo.isdigit() and hi.isdigit() and int(hi) and int(lo) > int(hi):
        errors.append(f"{where}: min-scale {lo} is above max-scale {hi}")
    visibility = as_dict(as_dict(doc.get("metadata")).get("labels")).get("networking.knative.dev/visibility")
    if visibility not in (None, "cluster-local"):
        errors.append(f"{where}: networking.knative.dev/visibility must be cluster-local, not {visibility!r}")
    spec = as_dict(tmpl.get("spec"))
    for field in sorted(set(spec) - KNATIVE_POD_FIELDS):
        errors.append(f"{where}: spec.template.spec.{field} is not a pod field Knative accepts with its feature"
                      f" flags at their defaults")
    containers = [c for c in as_list(spec.get("containers")) if isinstance(c, dict)]
    if len(containers) > 1 and sum(1 for c in containers if c.get("ports")) != 1:
        errors.append(f"{where}: with several containers exactly one names the serving port")
    volumes = [v for v in as_list(spec.get("volumes")) if isinstance(v, dict)]
    for c in containers:
        if not c.get("image"):
            errors.append(f"{where}: container {c.get('name')!r} has no image")
        ports = [p for p in as_list(c.get("ports")) if isinstance(p, dict)]
        if len(ports) > 1:
            errors.append(f"{where}: container {c.get('name')!r} may name one port only")
        for p in ports:
            if p.get("name", "http1") not in ("http1", "h2c"):
                errors.append(f"{where}: port name {p.get('name')!r} is neither http1 nor h2c")
        port = (ports or [{}])[0].get("containerPort", 8080)
        if port in (8012, 8013, 8022, 9090, 9091):
            errors.append(f"{where}: port {port} is reserved by Knative's queue-proxy")
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            p = as_dict(as_dict(c.get(probe)).get("httpGet")).get("port")
            if p is not None and p != port:
                errors.append(f"{where}: {probe} port {p} is not the serving port {port}")
        # Knative lets only emptyDir and PersistentVolumeClaim volumes be mounted writable.
        for m in as_list(c.get("volumeMounts")):
            m = as_dict(m)
            vol = next((v for v in volumes if v.get("name") == m.get("name")), {})
            if ("secret" in vol or "configMap" in vol) and m.get("readOnly") is not True:
                errors.append(f"{where}: container {c.get('name')!r} mounts {m.get('name')!r} without readOnly: true,"
                              f" which Knative requires for Secret and ConfigMap volumes")


# Knative Eventing's webhook requires these; its CRD schemas leave them optional.
KNATIVE_EVENTING_REQUIRED = {"Trigger": ("broker", "subscriber"), "PingSource": ("schedule", "sink"),
                             "ApiServerSource": ("resources", "sink")}


def knative_eventing_rules(doc, where, errors):
    """What Knative Eventing's webhook refuses although its CRD schemas allow it: a Trigger without its broker or
    subscriber, a source without its sink, a destination that is neither a ref nor a uri, a PingSource schedule
    that is not a cron expression, an ApiServerSource mode other than Reference or Resource."""
    kind, spec = doc.get("kind"), as_dict(doc.get("spec"))
    for field in KNATIVE_EVENTING_REQUIRED[kind]:
        if field not in spec:
            errors.append(f"{where}: spec.{field} is required")
    for field in ("subscriber", "sink"):
        dest = spec.get(field)
        if isinstance(dest, dict) and not dest.get("ref") and not dest.get("uri"):
            errors.append(f"{where}: spec.{field} names neither a ref nor a uri")
    schedule = spec.get("schedule")
    if kind == "PingSource" and isinstance(schedule, str) and len(schedule.split()) != 5:
        errors.append(f"{where}: schedule {schedule!r} is not a cron expression of 5 fields")
    if kind == "ApiServerSource" and spec.get("mode", "Reference") not in ("Reference", "Resource"):
        errors.append(f"{where}: mode {spec['mode']!r} is neither Reference nor Resource")


# Kind-specific rules; object_rules and resource_name_rules apply to every object.
RULES = {
    ("v1", "Namespace"): namespace_rules,
    ("v1", "LimitRange"): limitrange_rules,
    ("v1", "ResourceQuota"): quota_rules,
    ("networking.k8s.io/v1", "NetworkPolicy"): networkpolicy_rules,
    ("serving.knative.dev/v1", "Service"): knative_rules,
    ("eventing.knative.dev/v1", "Trigger"): knative_eventing_rules,
    ("sources.knative.dev/v1", "PingSource"): knative_eventing_rules,
    ("sources.knative.dev/v1", "ApiServerSource"): knative_eventing_rules,
}


def check_rules(docs):
    errors = []
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict):
            errors.append(f"document {i}: not an object")
            continue
        key = (doc.get("apiVersion"), doc.get("kind"))
        where = f"{key[1]} {as_dict(doc.get('metadata')).get('name', f'#{i}')}"
        object_rules(doc, where, errors)
        resource_name_rules(doc, where, errors)
        if key in RULES:
            RULES[key](doc, where, errors)
    return errors


# ---------------------------------------------------------------------------------------------------------------
# References between the rendered objects
# ---------------------------------------------------------------------------------------------------------------
def pod_specs(doc):
    kind, spec = doc.get("kind"), as_dict(doc.get("spec"))
    if kind in ("Deployment", "StatefulSet"):
        yield as_dict(spec.get("template")), True
    elif kind == "CronJob":
        yield as_dict(as_dict(as_dict(spec.get("jobTemplate")).get("spec")).get("template")), False
    elif kind == "Job":
        # A Job's selector is generated by Kubernetes unless manualSelector is set: nothing to match here.
        yield as_dict(spec.get("template")), False
    elif kind == "Service" and doc.get("apiVersion") == "serving.knative.dev/v1":
        yield as_dict(spec.get("template")), False


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
        spec = as_dict(d.get("spec"))
        where = f"{kind} {ns}/{name}" if ns else f"{kind} {name}"
        if ns and ns not in namespaces:
            errors.append(f"{where}: namespace {ns!r} is not in the render")
        secret_ok = lambda s: has("Secret", ns, s) or f"{ns}/{s}" in external_secrets

        for template, needs_selector in pod_specs(d):
            pod = template.get("spec", {})
            labels = template.get("metadata", {}).get("labels", {})
            if needs_selector and not selector_matches(spec.get("selector", {}).get("matchLabels"), labels):
                errors.append(f"{where}: spec.selector does not match the pod template's labels")
            sa = pod.get("serviceAccountName")
            if sa and not has("ServiceAccount", ns, sa):
                errors.append(f"{where}: ServiceAccount {sa!r} is not in the render")
            volumes = {v["name"]: v for v in pod.get("volumes", [])}
            claim_templates = {as_dict(t.get("metadata")).get("name") for t in spec.get("volumeClaimTemplates", [])}
            for v in volumes.values():
                if "configMap" in v and not has("ConfigMap", ns, v["configMap"].get("name")):
                    errors.append(f"{where}: volume {v['name']}: ConfigMap {v['configMap'].get('name')!r} is not in the render")
                if "secret" in v and not secret_ok(v["secret"]["secretName"]):
                    errors.append(f"{where}: volume {v['name']}: Secret {v['secret']['secretName']!r} is not in the render")
                # Keys projected with items: must exist in the object (when it is rendered; external ones are not).
                for src, src_kind, src_name in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
                    if src not in v:
                        continue
                    o = objs.get((src_kind, ns, v[src].get(src_name)))
                    if o is None:
                        continue
                    keys = {**o.get("data", {}), **o.get("binaryData", {}), **o.get("stringData", {})}
                    for item in v[src].get("items", []):
                        if item["key"] not in keys:
                            errors.append(f"{where}: volume {v['name']}: {src_kind} {v[src].get(src_name)!r}"
                                          f" has no key {item['key']!r}")
                if "persistentVolumeClaim" in v and not has("PersistentVolumeClaim", ns, v["persistentVolumeClaim"]["claimName"]):
                    errors.append(f"{where}: volume {v['name']}: PVC {v['persistentVolumeClaim']['claimName']!r} is not in the render")
            for c in pod.get("containers", []) + pod.get("initContainers", []):
                cw = f"{where} container {c.get('name')}"
                for m in c.get("volumeMounts", []):
                    if m["name"] not in volumes and m["name"] not in claim_templates:
                        errors.append(f"{cw}: mounts {m['name']!r}, which is no volume of the pod")
                for e in c.get("envFrom", []):
                    if "configMapRef" in e and not has("ConfigMap", ns, e["configMapRef"].get("name")):
                        errors.append(f"{cw}: envFrom ConfigMap {e['configMapRef'].get('name')!r} is not in the render")
                    if "secretRef" in e and not secret_ok(e["secretRef"].get("name")):
                        errors.append(f"{cw}: envFrom Secret {e['secretRef'].get('name')!r} is not in the render")
                for e in c.get("env", []):
                    ref = (e.get("valueFrom") or {})
                    if "secretKeyRef" in ref:
                        s = ref["secretKeyRef"]
                        sd = objs.get(("Secret", ns, s.get("name")))
                        if not secret_ok(s.get("name")):
                            errors.append(f"{cw}: env {e['name']}: Secret {s.get('name')!r} is not in the render")
                        elif sd and s["key"] not in {**sd.get("data", {}), **sd.get("stringData", {})}:
                            errors.append(f"{cw}: env {e['name']}: Secret {s.get('name')!r} has no key {s['key']!r}")
                ports = {p.get("name") for p in c.get("ports", [])}
                for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                    p = (c.get(probe) or {}).get("httpGet", {}).get("port")
                    if isinstance(p, str) and p not in ports:
                        errors.append(f"{cw}: {probe} names port {p!r}, which the container does not have")

        if kind == "Service" and d["apiVersion"] == "v1" and spec.get("selector"):
            sel = spec["selector"]
            targets = [t for o in docs if o["metadata"].get("namespace") == ns
                       for t, _ in pod_specs(o) if selector_matches(sel, t.get("metadata", {}).get("labels", {}))]
            if not targets:
                errors.append(f"{where}: selector {sel} matches no pod template in the render")
            for p in spec.get("ports") or []:
                tp = p.get("targetPort")
                if isinstance(tp, str) and not any(tp in {cp.get("name") for c in as_dict(t.get("spec")).get("containers", [])
                                                         for cp in c.get("ports", [])} for t in targets):
                    errors.append(f"{where}: targetPort {tp!r} is no named port of its pods")
        if kind == "StatefulSet" and not has("Service", ns, spec.get("serviceName"), "v1"):
            errors.append(f"{where}: serviceName {spec.get('serviceName')!r} is not a Service in the render")
        if kind == "PodDisruptionBudget":
            sel = (spec.get("selector") or {}).get("matchLabels")
            if not any(selector_matches(sel, t.get("metadata", {}).get("labels", {}))
                       for o in docs if o["metadata"].get("namespace") == ns for t, _ in pod_specs(o)):
                errors.append(f"{where}: selector matches no pod template in the render")
        if kind in ("RoleBinding", "ClusterRoleBinding"):
            rr = d["roleRef"]
            if not has(rr["kind"], ns if rr["kind"] == "Role" else None, rr["name"]):
                errors.append(f"{where}: {rr['kind']} {rr['name']!r} is not in the render")
            for s in d.get("subjects", []):
                if s["kind"] == "ServiceAccount" and not has("ServiceAccount", s.get("namespace", ns), s.get("name")):
                    errors.append(f"{where}: ServiceAccount {s.get('namespace', ns)}/{s.get('name')} is not in the render")
        if kind == "Ingress":
            for rule in spec.get("rules") or []:
                for path in (rule.get("http") or {}).get("paths") or []:
                    svc = path["backend"].get("service")
                    if svc is None:
                        errors.append(f"{where}: a backend that is not a Service")
                        continue
                    k8s = objs.get(("Service", ns, svc["name"]))
                    kn = has("Service", ns, svc["name"], "serving.knative.dev")
                    if k8s is None and not kn:
                        errors.append(f"{where}: backend {svc['name']!r} is neither a Service nor a Knative Service here")
                    elif k8s is not None and k8s["apiVersion"] == "v1":
                        names = {p.get("name") for p in as_dict(k8s.get("spec")).get("ports") or []}
                        numbers = {p["port"] for p in as_dict(k8s.get("spec")).get("ports") or []}
                        port = svc.get("port") or {}
                        if ("name" in port and port["name"] not in names) or ("number" in port and port["number"] not in numbers):
                            errors.append(f"{where}: backend {svc['name']!r} has no port {port}")
                    elif kn and svc.get("port") != {"number": 80}:
                        errors.append(f"{where}: a Knative Service's Kubernetes Service listens on port 80, not {svc.get('port')}")
            for t in spec.get("tls", []):
                if t.get("secretName") and not secret_ok(t["secretName"]):
                    errors.append(f"{where}: TLS Secret {t['secretName']!r} is not in the render (nor named external)")
        if kind == "NetworkPolicy":
            # A peer naming a namespace of the render by name must choose pods that the render runs there.
            for direction, peers_key in (("ingress", "from"), ("egress", "to")):
                for rule in spec.get(direction) or []:
                    for peer in rule.get(peers_key) or []:
                        target = ((peer.get("namespaceSelector") or {}).get("matchLabels") or {}).get(NAMESPACE_NAME)
                        pods = (peer.get("podSelector") or {}).get("matchLabels")
                        if target in namespaces and pods and not any(
                                selector_matches(pods, t.get("metadata", {}).get("labels", {}))
                                for o in docs if o["metadata"].get("namespace") == target for t, _ in pod_specs(o)):
                            errors.append(f"{where}: {direction} peer {pods} matches no pod template in namespace"
                                          f" {target}")
        if d["apiVersion"].endswith("knative.dev/v1") and kind in ("Trigger", "PingSource", "ApiServerSource"):
            dest = spec.get("subscriber") if kind == "Trigger" else spec.get("sink")
            ref = (dest or {}).get("ref")
            if ref and not has(ref.get("kind"), ref.get("namespace", ns), ref.get("name"),
                               str(ref.get("apiVersion", "")).split("/")[0]):
                errors.append(f"{where}: {ref.get('kind')} {ref.get('name')!r} ({ref.get('apiVersion')}) is not in the"
                              f" render")
            if kind == "Trigger" and not has("Broker", ns, spec.get("broker")):
                errors.append(f"{where}: Broker {spec.get('broker')!r} is not in the render")
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

    hard = {k for d in here if d["kind"] == "ResourceQuota" for k in (as_dict(d.get("spec")).get("hard") or {})}
    if not any(d["kind"] == "ResourceQuota" for d in here):
        errors.append(f"{at}: no ResourceQuota")
    elif set(TRAINING_QUOTA) - hard:
        errors.append(f"{at}: the ResourceQuota sets no {', '.join(sorted(set(TRAINING_QUOTA) - hard))}")

    items = [i for d in here if d["kind"] == "LimitRange" for i in as_dict(d.get("spec")).get("limits") or [] if i["type"] == "Container"]
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
    if not any(empty_selector(as_dict(p.get("spec")).get("podSelector")) and
               {"Ingress", "Egress"} <= set(as_dict(p.get("spec")).get("policyTypes") or []) and
               not as_dict(p.get("spec")).get("ingress") and not as_dict(p.get("spec")).get("egress") for p in policies):
        errors.append(f"{at}: no default-deny NetworkPolicy (podSelector {{}}, policyTypes Ingress and Egress,"
                      f" no rules)")
    destinations = []
    for p in policies:
        for i, rule in enumerate(as_dict(p.get("spec")).get("egress") or []):
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


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL connections
# ---------------------------------------------------------------------------------------------------------------
POSTGRES_DEFAULT_MAX_CONNECTIONS = 100  # PostgreSQL's default max_connections
POSTGRES_SUPERUSER_RESERVED = 3  # its default superuser_reserved_connections
POOL_SIZE_DEFAULT = 16  # the functions' POSTGRES_POOL_SIZE default (functions/.../application.properties)
MIGRATION_CONNECTIONS = 2  # Flyway: its connection and, while it holds the schema history's lock, one more
GRAFANA_MAX_OPEN_DEFAULT = 100  # Grafana's maxOpenConns when a datasource leaves it unset


def container_env(container, config_maps):
    """A container's environment as far as the render says it: envFrom ConfigMaps, then env values over them."""
    env = {}
    for source in as_list(container.get("envFrom")):
        ref = as_dict(as_dict(source).get("configMapRef")).get("name")
        env.update({k: str(v) for k, v in as_dict(config_maps.get(ref)).items()})
    for var in as_list(container.get("env")):
        if isinstance(var, dict) and "value" in var:
            env[var["name"]] = str(var["value"])
    return env


def check_connections(docs, label):
    """The connections part (the module's docstring); the errors, and a line on the sums it checked."""
    errors = []
    objects = [d for d in docs if isinstance(d, dict) and isinstance(d.get("metadata"), dict)]
    config_maps = {d["metadata"].get("name"): as_dict(d.get("data")) for d in objects if d.get("kind") == "ConfigMap"}

    def pods(kind, predicate):
        return [(d, pod) for d in objects if d.get("kind") == kind for pod, _ in pod_specs(d) if predicate(d)]

    # PostgreSQL: the StatefulSet whose container runs a postgres image.
    postgres = [(d, c) for d, pod in pods("StatefulSet", lambda d: True)
                for c in as_list(as_dict(pod.get("spec")).get("containers")) if "postgres" in str(c.get("image", ""))]
    max_connections = POSTGRES_DEFAULT_MAX_CONNECTIONS
    for _, c in postgres:
        args = [str(a) for a in as_list(c.get("args"))]
        for a in args:
            m = re.fullmatch(r"max_connections=(\d+)", a)
            if m:
                max_connections = int(m.group(1))
    # PgBouncer: Deployments mounting a ConfigMap that holds pgbouncer.ini, and the Services selecting their pods.
    poolers, pooler_hosts = [], set()
    for d, pod in pods("Deployment", lambda d: True):
        for v in as_list(as_dict(pod.get("spec")).get("volumes")):
            ini_text = as_dict(config_maps.get(as_dict(as_dict(v).get("configMap")).get("name"))).get("pgbouncer.ini")
            if ini_text is None:
                continue
            ini = configparser.ConfigParser(inline_comment_prefixes=(";",), comment_prefixes=(";", "#"))
            ini.read_string(ini_text)
            settings = ini["pgbouncer"] if ini.has_section("pgbouncer") else {}
            mode = settings.get("pool_mode", "session")
            if mode != "transaction":
                errors.append(f"{label}: PgBouncer {d['metadata']['name']}: pool_mode is {mode}, not transaction:"
                              f" each function connection would hold a server connection")
            per_replica = int(settings.get("max_db_connections", "0")) or None
            if per_replica is None:
                errors.append(f"{label}: PgBouncer {d['metadata']['name']}: no max_db_connections, so nothing bounds"
                              f" its server connections")
                per_replica = int(settings.get("default_pool_size", "20"))
            poolers.append({"name": d["metadata"]["name"], "replicas": int(as_dict(d.get("spec")).get("replicas", 1)),
                            "server": per_replica, "clients": int(settings.get("max_client_conn", "100")),
                            "prepared": int(settings.get("max_prepared_statements", "0"))})
            labels = as_dict(as_dict(pod.get("metadata")).get("labels"))
            for svc in objects:
                selector = as_dict(as_dict(svc.get("spec")).get("selector"))
                if svc.get("kind") == "Service" and svc.get("apiVersion") == "v1" and selector_matches(selector, labels):
                    name, ns = svc["metadata"]["name"], svc["metadata"].get("namespace", "default")
                    pooler_hosts |= {name, f"{name}.{ns}", f"{name}.{ns}.svc", f"{name}.{ns}.svc.cluster.local"}
    # The functions: every Knative Service container that reads POSTGRES_HOST, at its max-scale.
    function_clients, direct = 0, []
    for d, pod in pods("Service", lambda d: d.get("apiVersion") == "serving.knative.dev/v1"):
        scale = as_dict(as_dict(pod.get("metadata")).get("annotations")).get("autoscaling.knative.dev/max-scale")
        name = d["metadata"]["name"]
        for c in as_list(as_dict(pod.get("spec")).get("containers")):
            env = container_env(c, config_maps)
            if "POSTGRES_HOST" not in env:
                continue
            if scale is None or int(scale) == 0:
                errors.append(f"{label}: {name}: no max-scale, so its connections to PostgreSQL are unbounded")
                continue
            pool = int(env.get("POSTGRES_POOL_SIZE", POOL_SIZE_DEFAULT))
            function_clients += int(scale) * pool
            if env["POSTGRES_HOST"] not in pooler_hosts:
                direct.append(name)
            elif env.get("POSTGRES_TRANSACTION_POOLER", "false").lower() != "true" and \
                    not all(p["prepared"] > 0 for p in poolers):
                errors.append(f"{label}: {name}: goes through transaction-mode PgBouncer without"
                              f" POSTGRES_TRANSACTION_POOLER=true (nor max_prepared_statements): a statement"
                              f" prepared on one server connection would run on another")
    # Others that connect to PostgreSQL itself: the migration Job, Grafana's datasources.
    others = MIGRATION_CONNECTIONS if any(d.get("kind") == "Job" and "migrations" in d["metadata"].get("name", "")
                                          for d in objects) else 0
    for data in config_maps.values():
        for text in as_dict(data).values():
            if "grafana-postgresql-datasource" in str(text) or "type: postgres" in str(text):
                for source in as_list(as_dict(yaml.safe_load(text)).get("datasources")):
                    if "postgres" in str(as_dict(source).get("type", "")):
                        others += int(as_dict(as_dict(source).get("jsonData")).get("maxOpenConns",
                                                                                    GRAFANA_MAX_OPEN_DEFAULT))
    available = max_connections - POSTGRES_SUPERUSER_RESERVED
    if poolers:
        servers = sum(p["replicas"] * p["server"] for p in poolers)
        smallest = min(p["clients"] for p in poolers)
        if function_clients > smallest:
            errors.append(f"{label}: the functions at max-scale hold {function_clients} connections, more than one"
                          f" PgBouncer takes (max_client_conn {smallest})")
    else:
        servers = 0
    reaching = servers + others + (function_clients if direct else 0)
    if reaching > available:
        errors.append(f"{label}: {reaching} connections can reach PostgreSQL ({servers} from PgBouncer, {others} from"
                      f" the migration Job and Grafana" + (f", {function_clients} from {', '.join(direct)} directly"
                                                           if direct else "") +
                      f"), more than max_connections {max_connections} less {POSTGRES_SUPERUSER_RESERVED} reserved")
    summary = (f"{label}: the functions hold up to {function_clients} connections"
               + (f" through PgBouncer, which opens up to {servers}" if poolers else "")
               + f"; with {others} others, {reaching} of PostgreSQL's {available}")
    return errors, summary


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


def checked(path, docs):
    """Whether the objects of a file pass the schema check and the rules: references and the training policy are
    read from valid objects only (a broken one fails those two checks as well, with one line saying so)."""
    return not schema_check(path) and not check_rules(docs)


def main(argv):
    usage = (f"usage: {argv[0]} rules|references RENDERED.yaml [--external-secret NAMESPACE/NAME ...]\n"
             f"       {argv[0]} local-executor RENDERED.yaml|template.yaml ...\n"
             f"       {argv[0]} training-policy RENDERED.yaml ...\n"
             f"       {argv[0]} connections RENDERED.yaml ...\n"
             f"(the schemas are checked by {os.path.relpath(SCHEMA_CHECK)}: node check.mjs RENDERED.yaml)")
    if len(argv) < 3 or argv[1] not in ("rules", "references", "local-executor", "training-policy",
                                          "connections"):
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
            if not checked(p, docs):
                errors.append(f"{os.path.basename(p)}: the schema or rules check failed; the policy not checked")
                continue
            found, reached = check_training_policy(docs, os.path.basename(p))
            errors += found
            destinations += [d for d in reached if d not in destinations]
        finish(errors, f"restricted, with a quota, container limits equal to the per-job maximum and a default deny,"
                       f" in {len(argv) - 2} render(s); training pods may reach only {', '.join(destinations)}")
    if argv[1] == "connections":
        errors, summaries = [], []
        for p in argv[2:]:
            found, summary = check_connections(load(p), os.path.basename(p))
            errors += found
            summaries.append(summary)
        finish(errors, "; ".join(summaries))
    part, path, external, rest = argv[1], argv[2], set(), argv[3:]
    while rest:
        if rest[0] == "--external-secret" and len(rest) > 1:
            external.add(rest[1])
            rest = rest[2:]
        else:
            sys.exit(usage)
    docs = load(path)
    if part == "rules":
        errors = check_rules(docs)
        summary = (f"{len(docs)} objects: names, namespaces, and what the API server and Knative's webhooks refuse"
                   f" beyond the schemas")
    else:
        if not checked(path, docs):
            errors = ["the schema or rules check failed; references not checked"]
        else:
            errors = check_references(docs, external)
        summary = "every reference resolves" + (f" ({len(external)} Secrets named external)" if external else "")
    finish(errors, summary)


if __name__ == "__main__":
    main(sys.argv)
