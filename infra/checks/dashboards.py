#!/usr/bin/env python3
"""Checks of the Grafana dashboards in dashboards/.

  dashboards.py static
      Each dashboard JSON parses; uid, title and the files the kustomization packs agree; every data source
      reference (panel and query) names a data source provisioned in infra/base/monitoring/grafana/
      datasources.yaml, with its type; every variable a query uses is defined (or one of Grafana's built-ins);
      Training Jobs Monitoring has the uid and the job_id variable the web UI's embedded dashboard URL needs (/d/training-dashboard?var-job_id=N); panel ids and
      query refIds are unique.
  dashboards.py promql PROMETHEUS_URL JOB_ID
      Every Prometheus query of every dashboard runs against a real Prometheus (variables replaced: job_id by
      JOB_ID, $__rate_interval by 30s). A query over Trainwatch's own metrics must return data (it is retried for
      up to 60 s while scrapes and sweeps come in); a query over cluster metrics (cAdvisor, DCGM, kube-state)
      must parse and run, and may be empty here.
  dashboards.py sql JOB_ID
      Prints each PostgreSQL query with its variables and macros replaced, NUL-separated, for psql.
"""
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DASHBOARDS = os.path.join(ROOT, "dashboards")
DATASOURCES = os.path.join(ROOT, "infra", "base", "monitoring", "grafana", "datasources.yaml")
BUILTINS = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms",
            "__timeFilter", "__timeFrom", "__timeTo", "__time", "__timeGroup", "__timeGroupAlias", "__unixEpochFilter",
            "__dashboard", "__org", "__user", "__all", "timeFilter"}
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]")
CLUSTER_METRIC = re.compile(r"\b(container_|DCGM_|nvidia_|kube_|node_|machine_)\w*")


def load():
    with open(os.path.join(DASHBOARDS, "kustomization.yaml")) as f:
        files = [name for gen in yaml.safe_load(f)["configMapGenerator"] for name in gen["files"]]
    out = []
    for name in files:
        with open(os.path.join(DASHBOARDS, name)) as f:
            out.append((name, json.load(f)))
    return files, out


def panels(dash):
    for p in dash.get("panels", []):
        yield p
        for q in p.get("panels", []):
            yield q


def queries(dash):
    for p in panels(dash):
        for t in p.get("targets", []):
            yield p, t


def cmd_static():
    errors = []
    with open(DATASOURCES) as f:
        provisioned = {d["uid"]: d["type"] for d in yaml.safe_load(f)["datasources"]}
    files, dashboards = load()
    on_disk = sorted(n for n in os.listdir(DASHBOARDS) if n.endswith(".json"))
    if sorted(files) != on_disk:
        errors.append(f"dashboards/kustomization.yaml packs {sorted(files)}, the folder has {on_disk}")
    uids = {}
    for name, dash in dashboards:
        where = name
        for key in ("uid", "title", "panels", "templating", "schemaVersion"):
            if key not in dash:
                errors.append(f"{where}: no {key}")
        uids[dash.get("uid")] = dash.get("title")
        defined = {v["name"] for v in dash.get("templating", {}).get("list", [])}
        for v in dash.get("templating", {}).get("list", []):
            ds = v.get("datasource")
            if ds and provisioned.get(ds.get("uid")) != ds.get("type"):
                errors.append(f"{where}: variable {v['name']}: data source {ds} is not provisioned")
            for used in VARIABLE.findall(json.dumps(v.get("query", ""))):
                n = next(x for x in used if x)
                if n not in BUILTINS:
                    errors.append(f"{where}: variable {v['name']} uses ${n} in its own query")
        ids = [p.get("id") for p in panels(dash)]
        if len(ids) != len(set(ids)):
            errors.append(f"{where}: panel ids repeat")
        for p in panels(dash):
            pw = f"{where}: panel {p.get('title')!r}"
            if p.get("type") == "row":
                continue
            ds = p.get("datasource")
            if not ds or provisioned.get(ds.get("uid")) != ds.get("type"):
                errors.append(f"{pw}: data source {ds} is not provisioned ({provisioned})")
            if not p.get("targets"):
                errors.append(f"{pw}: no query")
            refs = [t.get("refId") for t in p.get("targets", [])]
            if len(refs) != len(set(refs)):
                errors.append(f"{pw}: refIds repeat")
            for text in [p.get("title", "")] + [t.get("expr") or t.get("rawSql") or "" for t in p.get("targets", [])]:
                for used in VARIABLE.findall(text):
                    n = next(x for x in used if x)
                    if n not in defined and n not in BUILTINS:
                        errors.append(f"{pw}: uses ${n}, which is no variable of the dashboard")
            for t in p.get("targets", []):
                tds = t.get("datasource", ds)
                if provisioned.get(tds.get("uid")) != tds.get("type"):
                    errors.append(f"{pw}: query {t.get('refId')}: data source {tds} is not provisioned")
                elif tds["type"] == "prometheus" and not t.get("expr"):
                    errors.append(f"{pw}: query {t.get('refId')}: no expr")
                elif tds["type"] != "prometheus" and not t.get("rawSql"):
                    errors.append(f"{pw}: query {t.get('refId')}: no rawSql")
    training = [d for _, d in dashboards if d.get("uid") == "training-dashboard"]
    if not training:
        errors.append("no dashboard with uid training-dashboard (the web UI embeds /d/training-dashboard)")
    elif training[0].get("title") != "Training Jobs Monitoring":
        errors.append("training-dashboard is not titled Training Jobs Monitoring")
    elif "job_id" not in {v["name"] for v in training[0]["templating"]["list"]}:
        errors.append("training-dashboard has no job_id variable (the embed URL passes var-job_id=...)")
    if "trainwatch-platform" not in uids:
        errors.append("no Trainwatch platform dashboard (uid trainwatch-platform)")
    n = sum(1 for _, d in dashboards for _ in queries(d))
    print("\n".join(errors) if errors else
          f"{len(dashboards)} dashboards, {n} queries: data sources provisioned, variables defined, job_id present")
    sys.exit(1 if errors else 0)


def substitute(text, job_id):
    text = re.sub(r"\$\{job_id(:\w+)?\}|\$job_id\b", str(job_id), text)
    return text.replace("$__rate_interval", "30s").replace("$__interval", "15s").replace("$__range", "1h")


def prom_query(prom, expr):
    url = f"{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)
    if body.get("status") != "success":
        return None, f"{body.get('errorType')}: {body.get('error')}"
    return body["data"]["result"], None


def cmd_promql(prom, job_id):
    _, dashboards = load()
    pending, failed, lines = [], 0, []
    for name, dash in dashboards:
        for p, t in queries(dash):
            if "expr" in t:
                expr = substitute(t["expr"], job_id)
                pending.append((f"{dash['uid']}: {p['title']} [{t['refId']}]", expr, bool(CLUSTER_METRIC.search(expr))))
    deadline = time.time() + 60
    results = {}
    while True:
        for label, expr, cluster in pending:
            if label in results and (results[label][0] == "ok"):
                continue
            result, error = prom_query(prom, expr)
            if error:
                results[label] = ("error", error)
            elif result or cluster:
                results[label] = ("ok", f"{len(result)} series" if result else "parses; no data here (cluster metric)")
            else:
                results[label] = ("empty", "no data")
        if all(r[0] != "empty" for r in results.values()) or time.time() > deadline:
            break
        time.sleep(3)
    for label, expr, cluster in pending:
        state, detail = results[label]
        ok = state == "ok"
        failed += 0 if ok else 1
        kind = "cluster" if cluster else "trainwatch"
        print(f"  {'ok  ' if ok else 'FAIL'} {kind:10} {label}: {detail}" + ("" if ok else f"\n         {expr}"))
    own = sum(1 for _, _, c in pending if not c)
    print(f"{len(pending) - failed}/{len(pending)} Prometheus queries pass ({own} over Trainwatch's own metrics "
          f"return data, {len(pending) - own} over cluster metrics parse)")
    sys.exit(1 if failed else 0)


def cmd_sql(job_id):
    _, dashboards = load()
    now = "now()"
    for name, dash in dashboards:
        for v in dash.get("templating", {}).get("list", []):
            if v.get("datasource", {}).get("type", "").endswith("postgresql-datasource"):
                sys.stdout.write(f"{dash['uid']}: variable {v['name']}\t{v['query']}\0")
        for p, t in queries(dash):
            if "rawSql" in t:
                sql = substitute(t["rawSql"], job_id)
                sql = re.sub(r"\$__timeFilter\((\w+)\)",
                             rf"\1 BETWEEN {now} - interval '6 hours' AND {now} + interval '1 hour'", sql)
                sys.stdout.write(f"{dash['uid']}: {p['title']} [{t['refId']}]\t{sql}\0")


if __name__ == "__main__":
    a = sys.argv
    if len(a) == 2 and a[1] == "static":
        cmd_static()
    elif len(a) == 4 and a[1] == "promql":
        cmd_promql(a[2], a[3])
    elif len(a) == 3 and a[1] == "sql":
        cmd_sql(a[2])
    else:
        sys.exit(__doc__)
