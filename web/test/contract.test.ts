// The protocol as checked files (docs/asyncapi.yaml, docs/schemas, docs/examples): the AsyncAPI document
// must parse without errors, every schema must compile, and every golden example must be compact JSON that
// its schema accepts. The validation is the AsyncAPI parser's and Ajv's; this file only maps files to schemas.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser, fromFile } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');
const SCHEMAS = join(DOCS, 'schemas');
const EXAMPLES = join(DOCS, 'examples');
const ASYNCAPI = join(DOCS, 'asyncapi.yaml');
const ID_BASE = 'https://trainwatch.dev/schemas/';

/** Schemas that only other schemas use (by $ref): no example names them. */
const BUILDING_BLOCKS = new Set(['instant.json', 'metric-value.json']);

/** The REST bodies: rest-<what>-<variant>.json. */
const REST_SCHEMAS: Record<string, string> = {
  metrics: 'metrics-request.json',
  logs: 'logs-request.json',
  events: 'events-page.json',
};

const schemaFiles = readdirSync(SCHEMAS).filter((name) => name.endsWith('.json')).sort();
const exampleFiles = readdirSync(EXAMPLES).sort();

/**
 * The schemas an example must satisfy, named by its file: event-<type>[-variant] (its type's schema and the
 * generic event schema), relay-<frame>[-variant], client-<frame>[-variant], rest-<body>-<variant>. Empty
 * when the name says none, which fails the example.
 */
function schemasFor(example: string): string[] {
  const match = /^(event|relay|client|rest)-([a-z_]+)(?:-[a-z0-9-]+)?\.json$/.exec(example);
  if (!match) return [];
  const [, kind, name] = match;
  switch (kind) {
    case 'event':
      return [`${name}.json`, 'event.json'];
    case 'rest':
      return REST_SCHEMAS[name] ? [REST_SCHEMAS[name]] : [];
    default:
      return [`${kind}-${name}.json`];
  }
}

function loadSchemas(): Ajv2020 {
  // Strict, so an unknown keyword or a typo in one fails; but branches that only say `required` (oneOf,
  // if) and fields of several types (a timestamp: string, number or null) are meant.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  for (const file of schemaFiles) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')));
  return ajv;
}

describe('docs/asyncapi.yaml', () => {
  it('parses, with its schema $refs resolved, without an error', async () => {
    const { document, diagnostics } = await fromFile(new Parser(), ASYNCAPI).parse();
    const errors = diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error)
      .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();

    // Every event, relay frame and client frame schema is the payload of one of its messages.
    const payloads = new Set(document!.allMessages().all().map((m) => m.payload()?.$id()));
    const wire = schemaFiles.filter((f) => /^(training_|relay-|client-)|^event\.json$/.test(f));
    expect(wire.filter((f) => !payloads.has(ID_BASE + f))).toEqual([]);
  });
});

describe('docs/schemas', () => {
  const ajv = loadSchemas();

  it.each(schemaFiles)('%s compiles, and its $id is its file name', (file) => {
    const schema = JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8'));
    // Relative $refs resolve by $id for Ajv and by file path for the AsyncAPI parser: the two must agree.
    expect(schema.$id).toBe(ID_BASE + file);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(ajv.getSchema(schema.$id)).toBeTypeOf('function');
  });

  it('each has an example, but for the building blocks', () => {
    const named = new Set(exampleFiles.flatMap(schemasFor));
    expect(schemaFiles.filter((f) => !BUILDING_BLOCKS.has(f) && !named.has(f))).toEqual([]);
  });
});

describe('docs/examples', () => {
  const ajv = loadSchemas();

  it.each(exampleFiles)('%s is valid against the schema its name says', (file) => {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    // One line of compact JSON, as the servers write it. This holds for the rest-* bodies too: the SDK
    // writes json.dumps(separators=(",", ":")) in ASCII, and the examples' numbers (0.41, 1200) print the
    // same in Java, Python and JavaScript. A value such as 1.0 or 1e-05, or a bare NaN, would not.
    expect(text).toBe(JSON.stringify(JSON.parse(text)) + '\n');

    const schemas = schemasFor(file);
    expect(schemas, `no schema for ${file}`).not.toEqual([]);
    const message = JSON.parse(text);
    for (const schema of schemas) {
      expect(schemaFiles, `${file} names ${schema}, which does not exist`).toContain(schema);
      const validate = ajv.getSchema(ID_BASE + schema)!;
      const valid = validate(message);
      expect(valid, `${file} against ${schema}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }

    // Every event begins {"type":..,"job_id":N,"seq":S: the relay reads its ids from the text (EventId).
    const events = file.startsWith('event-') ? [message] : file === 'rest-events-page.json' ? message.events : [];
    for (const event of events) expect(Object.keys(event).slice(0, 3)).toEqual(['type', 'job_id', 'seq']);
  });
});
