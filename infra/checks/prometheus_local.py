#!/usr/bin/env python3
"""The production Prometheus configuration, made runnable on this machine, and checks on the Prometheus run.

  prometheus_local.py config RENDERED.yaml OUTDIR PORT FUNCTIONS_URL RELAY_URL
      Writes OUTDIR/prometheus.yml: infra's prometheus.yml with each kubernetes_sd_configs (which Debian's
      Prometheus is built without, and which needs a cluster) replaced by file_sd_configs listing simulated pods
      and nodes, carrying the same __meta_kubernetes_* labels Kubernetes discovery would give them. The relabel
      rules, TLS and auth settings, honor_labels and the rule files stay as they are. The Trainwatch pods'
      labels and prometheus.io annotations are read from the rendered manifests (RENDERED.yaml), with the port
      replaced by the local one; their address is the running functions and relay. Scrape and evaluation
      intervals become 2 s. The kubernetes_sd_configs blocks themselves are checked strictly first.
  prometheus_local.py targets PROMETHEUS_URL
      The relabelled targets are those expected: Trainwatch pods kept with their labels and scraped successfully,
      a training pod kept with its job_id, unannotated and pending pods dropped, the DCGM exporter found.
  prometheus_local.py rules PROMETHEUS_URL
      Every alert rule is loaded and evaluates without error against the real metrics.
"""
import json
import os
import sys
import urllib.parse
import urllib.request

import yaml

INFRA = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROM_DIR = os.path.join(INFRA, "base", "monitoring", "prometheus")
SD_FIELDS = {"role", "namespaces", "selectors", "api_server", "kubeconfig_file", "attach_metadata",
             "basic_auth", "authorization", "oauth2", "tls_config", "proxy_url", "follow_redirects", "enable_http2"}
SD_ROLES = {"pod", "node", "service", "endpoints", "endpointslice", "ingress"}


def check_sd(config):
    errors = []
    for job in config.get("scrape_configs", []):
        for i, sd in enumerate(job.get("kubernetes_sd_configs", [])):
            where = f"job {job['job_name']} kubernetes_sd_configs[{i}]"
            for key in sd:
                if key not in SD_FIELDS:
                    errors.append(f"{where}: unknown field {key!r}")
            if sd.get("role") not in SD_ROLES:
                errors.append(f"{where}: role {sd.get('role')!r} is not one of {sorted(SD_ROLES)}")
            ns = sd.get("namespaces")
            if ns is not None and (not isinstance(ns, dict) or set(ns) - {"names", "own_namespace"}):
                errors.append(f"{where}: namespaces takes names and own_namespace only")
    return errors


def host_port(url):
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http" or not u.hostname or not u.port:
        sys.exit(f"{url}: expected http://HOST:PORT")
    return u.hostname, u.port


def pod_group(address, namespace, name, labels, annotations, phase="Running", port_number=None):
    meta = {"__meta_kubernetes_namespace": namespace, "__meta_kubernetes_pod_name": name,
            "__meta_kubernetes_pod_phase": phase, "__meta_kubernetes_pod_node_name": "node-1"}
    for k, v in labels.items():
        meta["__meta_kubernetes_pod_label_" + "".join(c if c.isalnum() else "_" for c in k)] = v
    for k, v in annotations.items():
        meta["__meta_kubernetes_pod_annotation_" + "".join(c if c.isalnum() else "_" for c in k)] = v
    if port_number is not None:
        meta["__meta_kubernetes_pod_container_port_number"] = str(port_number)
    return {"targets": [address], "labels": meta}


def template_of(docs, kind, name):
    for d in docs:
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d["spec"]["template"]["metadata"]
    sys.exit(f"{kind} {name} is not in the rendered manifests")


def cmd_config(rendered, outdir, port, functions_url, relay_url):
    with open(os.path.join(PROM_DIR, "prometheus.yml")) as f:
        config = yaml.safe_load(f)
    errors = check_sd(config)
    if errors:
        print("\n".join(errors))
        sys.exit(1)
    with open(rendered) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    fhost, fport = host_port(functions_url)
    rhost, rport = host_port(relay_url)
    pods = []
    # The three Knative Services of the functions, all served here by the one running functions process.
    for component in ("jobs", "ingest", "sweep"):
        meta = template_of(docs, "Service", f"trainwatch-{component}")
        ann = dict(meta.get("annotations", {}), **{"prometheus.io/port": str(fport)})
        pods.append(pod_group(f"{fhost}:8080", "trainwatch", f"trainwatch-{component}-00001-deployment-5f7d9-x2k4q",
                              meta["labels"], ann))
    meta = template_of(docs, "Deployment", "trainwatch-relay")
    pods.append(pod_group(f"{rhost}:8080", "trainwatch", "trainwatch-relay-6c9f8b7d5-h7xqz", meta["labels"],
                          dict(meta.get("annotations", {}), **{"prometheus.io/port": str(rport)})))
    # A training pod as KubernetesJobFactory makes it (nobody listens on 127.0.0.1:9090's /metrics here, or
    # something else does: its scrape result is not checked, only its labels).
    training = {"trainwatch.dev/job-id": "42", "app.kubernetes.io/name": "trainwatch-training",
                "app.kubernetes.io/managed-by": "trainwatch"}
    scrape = {"prometheus.io/scrape": "true", "prometheus.io/port": "9090", "prometheus.io/path": "/metrics"}
    pods.append(pod_group("127.0.0.1", "training", "training-job-42-abcde", training, scrape))
    # Dropped: a pod without the annotation, and an annotated pod still Pending.
    pods.append(pod_group("127.0.0.1:8080", "trainwatch", "redis-0", {"app.kubernetes.io/name": "redis"}, {}))
    pods.append(pod_group("127.0.0.1", "training", "training-job-43-fghij", dict(training, **{"trainwatch.dev/job-id": "43"}),
                          scrape, phase="Pending"))
    dcgm = [pod_group("127.0.0.1:9400", "gpu-operator", "nvidia-dcgm-exporter-7xk2p", {"app": "nvidia-dcgm-exporter"}, {},
                      port_number=9400),
            pod_group("127.0.0.1:9401", "gpu-operator", "nvidia-device-plugin-daemonset-abcde",
                      {"app": "nvidia-device-plugin-daemonset"}, {}, port_number=9401)]
    files = {"kubernetes-pods": pods, "dcgm-exporter": pods + dcgm,
             # The cAdvisor job's targets are rewritten to the API server's address: none here, so it never
             # resolves a cluster name; promtool still checks the job.
             "kubernetes-cadvisor": []}
    for job in config["scrape_configs"]:
        if "kubernetes_sd_configs" in job:
            path = os.path.join(outdir, f"sd-{job['job_name']}.json")
            with open(path, "w") as f:
                json.dump(files[job["job_name"]], f, indent=1)
            del job["kubernetes_sd_configs"]
            job["file_sd_configs"] = [{"files": [path], "refresh_interval": "5s"}]
        if job["job_name"] == "prometheus":
            job["static_configs"] = [{"targets": [f"127.0.0.1:{port}"]}]
        # The service account token is mounted in the pod; promtool wants the file to exist, so it points at a
        # stand-in here.
        auth = job.get("authorization", {})
        if auth.get("credentials_file", "").startswith("/var/run/secrets/kubernetes.io/serviceaccount/"):
            auth["credentials_file"] = os.path.join(outdir, "serviceaccount-token")
            with open(auth["credentials_file"], "w") as f:
                f.write("stand-in\n")
    config["global"]["scrape_interval"] = "2s"
    config["global"]["evaluation_interval"] = "2s"
    config["rule_files"] = [os.path.join(PROM_DIR, r) for r in config["rule_files"]]
    with open(os.path.join(outdir, "prometheus.yml"), "w") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    print(f"{len(pods)} simulated pods, {len(dcgm)} GPU-node pods")


def get(prom, path, **params):
    url = f"{prom}{path}" + (("?" + urllib.parse.urlencode(params)) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)["data"]


def cmd_targets(prom):
    data = get(prom, "/api/v1/targets", state="any")
    active = [t for t in data["activeTargets"] if t["labels"].get("job") in ("kubernetes-pods", "dcgm-exporter")]
    errors = []
    by_pod = {(t["labels"]["job"], t["labels"].get("pod", t["discoveredLabels"].get("__meta_kubernetes_pod_name"))): t
              for t in active}

    def expect(job, pod, labels, health=None, path=None, port=None):
        t = by_pod.get((job, pod))
        if t is None:
            errors.append(f"{job}: pod {pod} was not kept")
            return
        for k, v in labels.items():
            if t["labels"].get(k) != v:
                errors.append(f"{job}: pod {pod}: label {k}={t['labels'].get(k)!r}, expected {v!r}")
        if health and t["health"] != health:
            errors.append(f"{job}: pod {pod}: scrape {t['health']} ({t.get('lastError') or 'not scraped yet'})")
        if path and urllib.parse.urlsplit(t["scrapeUrl"]).path != path:
            errors.append(f"{job}: pod {pod}: scrapes {t['scrapeUrl']}, expected path {path}")
        if port and urllib.parse.urlsplit(t["scrapeUrl"]).port != port:
            errors.append(f"{job}: pod {pod}: scrapes {t['scrapeUrl']}, expected port {port}")

    for component in ("jobs", "ingest", "sweep"):
        expect("kubernetes-pods", f"trainwatch-{component}-00001-deployment-5f7d9-x2k4q",
               {"app": "trainwatch-functions", "component": component, "namespace": "trainwatch"}, "up", "/q/metrics")
    expect("kubernetes-pods", "trainwatch-relay-6c9f8b7d5-h7xqz", {"app": "trainwatch-relay", "namespace": "trainwatch"},
           "up", "/q/metrics")
    expect("kubernetes-pods", "training-job-42-abcde", {"job_id": "42", "namespace": "training"}, None, "/metrics", 9090)
    expect("dcgm-exporter", "nvidia-dcgm-exporter-7xk2p", {"node": "node-1"}, None, "/metrics", 9400)
    for job, pod in (("kubernetes-pods", "redis-0"), ("kubernetes-pods", "training-job-43-fghij"),
                     ("dcgm-exporter", "nvidia-device-plugin-daemonset-abcde")):
        if (job, pod) in by_pod:
            errors.append(f"{job}: pod {pod} should have been dropped")
    dcgm_kept = [k for k in by_pod if k[0] == "dcgm-exporter"]
    if len(dcgm_kept) != 1:
        errors.append(f"dcgm-exporter: kept {len(dcgm_kept)} targets, expected the exporter only")
    print("\n".join(errors) if errors else
          f"relabelling keeps {len(active)} targets as expected; functions (3) and relay scraped")
    sys.exit(1 if errors else 0)


def cmd_rules(prom):
    groups = get(prom, "/api/v1/rules")["groups"]
    rules = [r for g in groups for r in g["rules"]]
    errors = [f"{r['name']}: {r['health']} {r.get('lastError', '')}" for r in rules if r["health"] != "ok"]
    with open(os.path.join(PROM_DIR, "rules", "trainwatch-alerts.yaml")) as f:
        expected = {r["alert"] for g in yaml.safe_load(f)["groups"] for r in g["rules"]}
    missing = expected - {r["name"] for r in rules}
    if missing:
        errors.append(f"not loaded: {', '.join(sorted(missing))}")
    firing = [f"{r['name']}({a['labels']})" for r in rules for a in r.get("alerts", []) if a["state"] == "firing"]
    print("\n".join(errors) if errors else
          f"{len(rules)} alert rules loaded and evaluating without error" +
          (f"; firing now: {', '.join(firing)}" if firing else ""))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    a = sys.argv
    if len(a) == 7 and a[1] == "config":
        cmd_config(a[2], a[3], int(a[4]), a[5], a[6])
    elif len(a) == 3 and a[1] == "targets":
        cmd_targets(a[2])
    elif len(a) == 3 and a[1] == "rules":
        cmd_rules(a[2])
    else:
        sys.exit(__doc__)
