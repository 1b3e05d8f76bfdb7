#!/usr/bin/env node
// Checks Kubernetes and Knative objects against the OpenAPI schemas of their APIs, with no cluster: those that
// kubernetes-models (the Kubernetes API) and @kubernetes-models/knative (Knative's CRDs) ship with each model
// class, through the class's validate(). infra/validate runs it on every overlay it renders.
//
//   node check.mjs [-q] FILE.yaml ...            # files of YAML documents
//   kubectl kustomize infra/overlays/dev | node check.mjs [-q]     # or stdin (also as the file name -)
//
// One line per document (ok or FAIL, with the file and line it starts at, its apiVersion, kind and
// namespace/name), then each violation of a failing document indented below it, with the path of the offending
// field and its line; then a summary line. -q leaves out the lines of valid documents. Exit status 0 when every
// document is valid, 1 when one is not, 2 when a file cannot be read or the arguments are wrong.
//
// What is a violation:
// - a wrong type, a missing required field, a value outside an enumeration, a malformed quantity, date or other
//   format the schema names: what validate() reports;
// - an unknown field (strict reading, as `kubectl apply --validate=strict` does): validate() accepts one, since
//   these schemas do not forbid additional properties, so the validator is watched instead (see track below);
// - YAML the API server would refuse to decode: a syntax error, a duplicate key;
// - a document that is not an object with an apiVersion and a kind;
// - an apiVersion and kind for which neither package has a model. That is a failure, not a "no schema" notice:
//   every kind this deployment uses has a model, so a kind without one is a misspelt apiVersion or kind, an API
//   version Kubernetes or Knative removed, or a new CRD; passing it would let the one check that reads every
//   field of every object go silently lenient. A new kind gets a model (or a schema check of its own) first.
//
// What is not: what only the API server's validation code or a webhook checks beyond the schema (names, label
// syntax, cross-field rules, Knative's webhook), admission, and references between objects: see
// infra/checks/manifests.py, which infra/validate runs next.
//
// The versions (package.json, exact): kubernetes-models 4.5.1 (the OpenAPI schema of Kubernetes 1.33, enumerations
// included) and @kubernetes-models/knative 2.4.4 (the CRD schemas of Knative 1.10), the newest that support Node
// 20. Their next majors need Node 22, and @kubernetes-models/knative 4 is generated from Knative's Go types rather
// than its CRDs: it requires a container name and an httpGet probe port in a Knative Service, which Knative does
// not (it would refuse this deployment's Services).
import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';

const HERE = new URL('.', import.meta.url);
const PACKAGES = ['kubernetes-models', '@kubernetes-models/knative'];

function installedVersion(pkg) {
  try {
    return JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, HERE), 'utf8')).version;
  } catch {
    return '?';
  }
}

// ---- the model of an apiVersion and kind ---------------------------------------------------------------------
// kubernetes-models/<group>/<version>/<Kind> (the core group is just <version>), or the same path in
// @kubernetes-models/knative. The class must name the same apiVersion and kind: DeploymentSpec, for one, is a
// model without them.
const SEGMENT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const models = new Map();

async function modelFor(apiVersion, kind) {
  const key = `${apiVersion} ${kind}`;
  if (!models.has(key)) models.set(key, await findModel(apiVersion, kind));
  return models.get(key);
}

async function findModel(apiVersion, kind) {
  const parts = apiVersion.split('/');
  if (parts.length > 2 || !parts.every((p) => SEGMENT.test(p)) || !KIND.test(kind)) return null;
  for (const pkg of PACKAGES) {
    let mod;
    try {
      mod = await import(`${pkg}/${apiVersion}/${kind}`);
    } catch (e) {
      // Not exported (a group/version the package does not have), or no such file (a kind its group/version does
      // not have); anything else is a broken installation and must not read as "no model".
      if (e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') continue;
      if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.url ?? '').includes(`/${apiVersion}/${kind}.`)) continue;
      throw e;
    }
    const model = mod[kind];
    if (typeof model === 'function' && model.apiVersion === apiVersion && model.kind === kind) return model;
  }
  return null;
}

// ---- strict reading: which fields the validator read ----------------------------------------------------------
// A model's validate() runs a validator compiled from the schema, which looks up every property the schema
// declares for an object, present or not (to check its type, or that a required one is there), and every key of a
// map (labels, data, resource lists). The object is handed to it behind Proxies that record each lookup; a field
// of an object that the validator never looked up is a field its schema does not declare: unknown. An object in
// which nothing was looked up is one whose schema declares no properties (free-form, such as a Trigger's filter
// attributes): its fields are not reported, and nothing below it is read either.
function track(value, path, records) {
  if (Array.isArray(value)) return value.map((v, i) => track(v, [...path, i], records));
  if (value === null || typeof value !== 'object') return value;
  const target = {};
  for (const [k, v] of Object.entries(value)) target[k] = track(v, [...path, k], records);
  return watch(target, path, records);
}

function watch(target, path, records) {
  const read = new Set();
  records.push({ target, path, read });
  return new Proxy(target, {
    get(t, k, receiver) {
      if (typeof k === 'string') read.add(k);
      return Reflect.get(t, k, receiver);
    },
    has(t, k) {
      if (typeof k === 'string') read.add(k);
      return Reflect.has(t, k);
    },
  });
}

function validate(Model, obj) {
  const model = new Model(obj);
  const records = [];
  for (const k of Object.keys(model)) model[k] = track(model[k], [k], records);
  const watched = watch(model, [], records);
  let errors = [];
  try {
    watched.validate(); // the model's own validate(), reading the object through the Proxies
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    errors = e.errors;
  }
  const unknown = [];
  for (const { target, path, read } of records) {
    if (read.size === 0) continue;
    for (const k of Object.keys(target)) {
      if (!read.has(k)) unknown.push({ path: [...path, k], near: closest(k, [...read].filter((r) => !(r in target))) });
    }
  }
  return { errors, unknown };
}

function closest(word, candidates) {
  let best = null;
  let bestDistance = 3; // a typo: at most two edits
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

// ---- reporting ------------------------------------------------------------------------------------------------
// Paths are written as in kubectl explain: spec.template.spec.containers[0].ports[0].containerPort, with keys that
// are not plain names in brackets: metadata.annotations["autoscaling.knative.dev/min-scale"].
function dotted(path) {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(p)) s += s ? `.${p}` : p;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s || '(the object)';
}

// An ajv instancePath (a JSON pointer) as path segments, array indices as numbers.
function segments(pointer, obj) {
  const path = [];
  let node = obj;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    path.push(seg);
    node = node == null ? undefined : node[seg];
  }
  return path;
}

function valueAt(obj, path) {
  return path.reduce((node, seg) => (node == null ? undefined : node[seg]), obj);
}

function shown(value) {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describe(error) {
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${error.params.type}`;
    case 'format':
      return `must be a ${error.params.format}`;
    default:
      return error.message;
  }
}

// validate()'s errors as violations. A oneOf or anyOf (an int-or-string, a quantity) reports the error of each
// branch it tried at the same path too (their schemaPath is relative to the branch's own validator, so the path is
// what ties them to it); they become one message.
function violations(errors, unknown, obj) {
  const out = [];
  const branches = new Set();
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') continue;
    const tried = errors.filter((b) => b.instancePath === e.instancePath && b.keyword !== 'oneOf' &&
      b.keyword !== 'anyOf');
    tried.forEach((b) => branches.add(b));
    const path = segments(e.instancePath, obj);
    out.push({ path, text: `${shown(valueAt(obj, path))} ${[...new Set(tried.map(describe))].join(', or ') ||
      e.message}` });
  }
  for (const e of errors) {
    if (branches.has(e) || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    if (e.keyword === 'required') {
      out.push({ path: [...segments(e.instancePath, obj), e.params.missingProperty], text: 'required, missing',
        at: segments(e.instancePath, obj) });
    } else {
      const path = segments(e.instancePath, obj);
      out.push({ path, text: `${shown(valueAt(obj, path))} ${describe(e)}` });
    }
  }
  for (const u of unknown) {
    out.push({ path: u.path, text: `unknown field${u.near ? ` (did you mean ${u.near}?)` : ''}` });
  }
  const seen = new Set();
  return out.filter((v) => {
    const key = `${dotted(v.path)} ${v.text}`;
    return !seen.has(key) && seen.add(key);
  });
}

// ---- main -----------------------------------------------------------------------------------------------------
// YAML as kubectl reads it (YAML 1.1, as go-yaml v2 does: yes/no/on/off/y/n are booleans, 0644 is octal), except
// what go-yaml leaves a string: 12:30 (no base-60 numbers) and 2024-01-01 (no timestamps).
const YAML_OPTIONS = {
  version: '1.1',
  prettyErrors: false,
  customTags: (tags) => tags.filter((t) => t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'),
};

async function main(argv) {
  const quiet = argv.includes('-q') || argv.includes('--quiet');
  const files = argv.filter((a) => a !== '-q' && a !== '--quiet');
  if (files.some((f) => f.startsWith('-') && f !== '-')) {
    console.error('usage: node check.mjs [-q] [FILE.yaml ...]   (no file, or -, reads stdin)');
    return 2;
  }
  if (files.length === 0) files.push('-');
  let documents = 0;
  let failed = 0;
  const kinds = new Set();
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (e) {
      console.error(`${file}: ${e.message}`);
      return 2;
    }
    const name = file === '-' ? '<stdin>' : file;
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lines });
    for (const doc of docs) {
      const lineOf = (node) => (node?.range ? lines.linePos(node.range[0]).line : null);
      const start = lineOf(doc.contents) ?? lineOf(doc);
      let obj;
      const problems = [];
      if (doc.errors.length) {
        problems.push(...doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`));
      } else {
        obj = doc.toJS({ maxAliasCount: 100 });
        if (obj == null) continue; // an empty document (a leading or trailing ---)
      }
      const what = obj && typeof obj === 'object' && !Array.isArray(obj)
        ? `${obj.apiVersion ?? '(no apiVersion)'} ${obj.kind ?? '(no kind)'} ` +
          `${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}` +
          `${obj.metadata?.name ?? '(no name)'}`
        : 'document';
      documents++;
      let found = [];
      if (!problems.length) {
        if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
          problems.push('not an object');
        } else if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
          problems.push('no apiVersion or no kind');
        } else {
          const Model = await modelFor(obj.apiVersion, obj.kind);
          if (!Model) {
            problems.push(`no schema for ${obj.apiVersion} ${obj.kind}: neither kubernetes-models nor ` +
              '@kubernetes-models/knative has a model of it (a misspelt or removed API version or kind?)');
          } else {
            kinds.add(`${obj.apiVersion} ${obj.kind}`);
            const { errors, unknown } = validate(Model, obj);
            found = violations(errors, unknown, obj);
          }
        }
      }
      const where = `${name}:${start ?? '?'}`;
      if (!problems.length && !found.length) {
        if (!quiet) console.log(`ok    ${where} ${what}`);
        continue;
      }
      failed++;
      console.log(`FAIL  ${where} ${what}`);
      for (const p of problems) console.log(`      ${p}`);
      for (const v of found) {
        const line = lineOf(doc.getIn(v.at ?? v.path, true));
        console.log(`      ${dotted(v.path)}${line ? ` (line ${line})` : ''}: ${v.text}`);
      }
    }
  }
  const against = `kubernetes-models ${installedVersion('kubernetes-models')} and @kubernetes-models/knative ` +
    installedVersion('@kubernetes-models/knative');
  const count = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (documents === 0) {
    console.log('no documents: nothing was checked'); // an empty render or stdin proves nothing
    return 1;
  }
  if (failed) {
    console.log(`${failed} of ${count(documents, 'document')} ${failed === 1 ? 'violates its schema' :
      'violate their schemas'} (${against}, unknown fields refused)`);
    return 1;
  }
  console.log(`${count(documents, 'object')} of ${count(kinds.size, 'kind')} valid against the schemas of ${against},` +
    ' unknown fields refused');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
