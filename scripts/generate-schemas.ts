/**
 * Generates the JSON schemas used for Kubernetes schema validation, completion and hover
 * from the official Kubernetes OpenAPI v3 documents (api/v1.json, apis/<group>/<version>.json).
 *
 * Usage: `npm run schemas [-- --input <dir>] [-- --check]`, or after `npx tsc -b`:
 *   node out/scripts/generate-schemas.js [--input <openapi dir>] [--output <schemas dir>] [--check]
 *
 *   --input   directory holding the OpenAPI v3 documents; default ../shared/kubernetes-openapi/v1.35
 *             relative to the repository root. A bare first positional argument is accepted too.
 *   --output  output directory; default schemas/<basename of input> relative to the repository root.
 *   --check   do not write; exit 1 if the output directory differs from what would be generated.
 *
 * Output layout (all files are compact JSON with sorted keys, so the output is byte-for-byte deterministic):
 *   index.json                 { "<apiVersion>|<Kind>": "<file>" }, e.g. "apps/v1|Deployment": "apps-v1-deployment.json"
 *   <group>-<version>-<kind>.json   one small root schema per kind (draft-07); `core` stands for the core group.
 *                              apiVersion/kind are constrained with `enum`; nested types are referenced via
 *                              "_definitions.json#/definitions/<name>".
 *   _definitions.json          every definition referenced (transitively) by at least one kind, once.
 *
 * The conversion OpenAPI v3 -> JSON schema draft-07:
 *   - `$ref: #/components/schemas/X` -> `#/definitions/X` (inside _definitions.json) or
 *     `_definitions.json#/definitions/X` (inside a kind file);
 *   - objects with declared `properties` and no `additionalProperties` get `additionalProperties: false`
 *     (unknown fields are errors) unless `x-kubernetes-preserve-unknown-fields` is set; maps (labels,
 *     annotations, data, ...) keep their `additionalProperties` schema;
 *   - `x-kubernetes-int-or-string` / `format: int-or-string` -> `anyOf: [{type: integer}, {type: string}]`;
 *   - `nullable: true` -> `type: [T, "null"]` (and `null` added to an `enum`);
 *   - descriptions, enums, required, numeric/string bounds and scalar defaults are kept; other `x-kubernetes-*`
 *     extensions, non-scalar defaults and purely informative formats (int32, int64, byte, ...) are dropped;
 *   - with `omitStatus` (not the default), `status` of top-level kinds accepts any object (-15% size).
 */
import * as fs from 'fs';
import * as path from 'path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const DEFINITIONS_FILE = '_definitions.json';
export const INDEX_FILE = 'index.json';

const COMPONENT_REF_PREFIX = '#/components/schemas/';

/** Formats that yaml-language-server actually checks; every other format is informative only and dropped. */
const KEPT_FORMATS = new Set(['date-time', 'date', 'time', 'email', 'uri', 'uri-reference', 'ipv4', 'ipv6', 'hostname']);

/** Schema keywords copied verbatim (scalars or arrays of scalars). */
const VERBATIM_KEYWORDS = [
  'title',
  'description',
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
];

export interface GeneratorOptions {
  /** Do not describe `status` of top-level kinds (any object accepted); saves ~15% of the size. */
  omitStatus?: boolean;
}

export interface KindInfo {
  group: string;
  version: string;
  kind: string;
  apiVersion: string;
  definition: string;
  file: string;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Lists the OpenAPI documents of a directory in a stable order: api/*.json, then apis/<group>/*.json. */
export function listSpecFiles(inputDir: string): string[] {
  const files: string[] = [];
  const collect = (dir: string, depth: number) => {
    if (!fs.existsSync(dir)) {
      return;
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => cmp(a.name, b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth > 0) {
        collect(full, depth - 1);
      } else if (entry.isFile() && entry.name.endsWith('.json')) {
        files.push(full);
      }
    }
  };
  collect(path.join(inputDir, 'api'), 0);
  collect(path.join(inputDir, 'apis'), 1);
  return files;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function kindFileName(group: string, version: string, kind: string): string {
  return `${group || 'core'}-${version}-${kind}.json`.toLowerCase();
}

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

function gvkList(def: Json): Gvk[] {
  if (!isObject(def) || !Array.isArray(def['x-kubernetes-group-version-kind'])) {
    return [];
  }
  return (def['x-kubernetes-group-version-kind'] as Json[]).filter(isObject).map((g) => ({
    group: String(g.group ?? ''),
    version: String(g.version ?? ''),
    kind: String(g.kind ?? ''),
  }));
}

/**
 * Collects the definitions of all documents and the kinds that can be written by users: those that are the
 * body of a create (POST) or replace (PUT) operation, i.e. have `x-kubernetes-action` post/put.
 */
export function readSpecs(inputDir: string): { definitions: Map<string, JsonObject>; kinds: KindInfo[] } {
  const files = listSpecFiles(inputDir);
  if (files.length === 0) {
    throw new Error(`No OpenAPI documents found under ${inputDir} (expected api/v1.json, apis/<group>/<version>.json)`);
  }
  const definitions = new Map<string, JsonObject>();
  const kindKeys = new Map<string, Gvk>();
  for (const file of files) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as JsonObject;
    const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
    for (const name of Object.keys(schemas).sort(cmp)) {
      const def = schemas[name];
      if (isObject(def) && !definitions.has(name)) {
        definitions.set(name, def);
      }
    }
    const paths = isObject(doc.paths) ? doc.paths : {};
    for (const p of Object.keys(paths).sort(cmp)) {
      const item = paths[p];
      if (!isObject(item)) {
        continue;
      }
      for (const method of Object.keys(item).sort(cmp)) {
        const op = item[method];
        if (!isObject(op)) {
          continue;
        }
        const action = op['x-kubernetes-action'];
        const gvk = op['x-kubernetes-group-version-kind'];
        if ((action === 'post' || action === 'put') && isObject(gvk)) {
          const g: Gvk = { group: String(gvk.group ?? ''), version: String(gvk.version ?? ''), kind: String(gvk.kind ?? '') };
          kindKeys.set(`${g.group}/${g.version}/${g.kind}`, g);
        }
      }
    }
  }
  // GVK -> definition name, using only definitions that declare exactly one GVK (DeleteOptions, WatchEvent,
  // ... declare one per group and are not kinds of their own).
  const defByGvk = new Map<string, string>();
  for (const name of [...definitions.keys()].sort(cmp)) {
    const gvks = gvkList(definitions.get(name)!);
    if (gvks.length === 1) {
      const g = gvks[0];
      const key = `${g.group}/${g.version}/${g.kind}`;
      if (!defByGvk.has(key)) {
        defByGvk.set(key, name);
      }
    }
  }
  const kinds: KindInfo[] = [];
  for (const key of [...kindKeys.keys()].sort(cmp)) {
    const g = kindKeys.get(key)!;
    const definition = defByGvk.get(key);
    if (!definition || !g.kind || !g.version) {
      continue;
    }
    kinds.push({
      ...g,
      apiVersion: g.group ? `${g.group}/${g.version}` : g.version,
      definition,
      file: kindFileName(g.group, g.version, g.kind),
    });
  }
  kinds.sort((a, b) => cmp(a.file, b.file));
  return { definitions, kinds };
}

/** Converts one OpenAPI v3 schema node to draft-07, recording referenced definition names in `refs`. */
export function convertSchema(node: Json, refPrefix: string, refs: Set<string>): Json {
  if (typeof node === 'boolean') {
    return node;
  }
  if (!isObject(node)) {
    return {};
  }
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    const name = ref.startsWith(COMPONENT_REF_PREFIX) ? ref.slice(COMPONENT_REF_PREFIX.length) : ref;
    refs.add(name);
    const out: JsonObject = { $ref: refPrefix + name };
    // draft-07 ignores $ref siblings: keep a description as allOf wrapper instead
    if (typeof node.description === 'string') {
      return { allOf: [out], description: node.description };
    }
    return out;
  }
  const out: JsonObject = {};
  for (const k of VERBATIM_KEYWORDS) {
    if (node[k] !== undefined && (isScalar(node[k]) || (Array.isArray(node[k]) && (node[k] as Json[]).every(isScalar)))) {
      out[k] = node[k];
    }
  }
  const nullable = node.nullable === true;
  if (node.type !== undefined) {
    const types = Array.isArray(node.type) ? [...(node.type as Json[])] : [node.type];
    if (nullable && !types.includes('null')) {
      types.push('null');
    }
    out.type = types.length === 1 ? types[0] : types;
  }
  if (Array.isArray(node.enum)) {
    const values = [...(node.enum as Json[])];
    if (nullable && !values.includes(null)) {
      values.push(null);
    }
    out.enum = values;
  }
  if (node.const !== undefined) {
    out.const = node.const;
  }
  if (typeof node.format === 'string' && KEPT_FORMATS.has(node.format)) {
    out.format = node.format;
  }
  if (node.default !== undefined && isScalar(node.default) && node.default !== '') {
    out.default = node.default;
  }
  if (isObject(node.properties)) {
    const props: JsonObject = {};
    for (const name of Object.keys(node.properties).sort(cmp)) {
      props[name] = convertSchema(node.properties[name], refPrefix, refs);
    }
    out.properties = props;
  }
  if (node.items !== undefined) {
    out.items = Array.isArray(node.items)
      ? (node.items as Json[]).map((i) => convertSchema(i, refPrefix, refs))
      : convertSchema(node.items, refPrefix, refs);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[k])) {
      out[k] = (node[k] as Json[]).map((s) => convertSchema(s, refPrefix, refs));
    }
  }
  if (node.not !== undefined) {
    out.not = convertSchema(node.not, refPrefix, refs);
  }
  const preserveUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof node.additionalProperties === 'boolean'
        ? node.additionalProperties
        : convertSchema(node.additionalProperties, refPrefix, refs);
  } else if (out.properties !== undefined && !preserveUnknown) {
    out.additionalProperties = false;
  }
  if (node['x-kubernetes-int-or-string'] === true || node.format === 'int-or-string') {
    delete out.type;
    delete out.oneOf;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  // `allOf: [X]` with a default/description only: keep the wrapper (descriptions of the field win in hover)
  return out;
}

/** Serialises with sorted object keys (arrays keep their order): deterministic bytes. */
export function stableStringify(value: Json): string {
  const sort = (v: Json): Json => {
    if (Array.isArray(v)) {
      return v.map(sort);
    }
    if (isObject(v)) {
      const o: JsonObject = {};
      for (const k of Object.keys(v).sort(cmp)) {
        o[k] = sort(v[k]);
      }
      return o;
    }
    return v;
  };
  return JSON.stringify(sort(value)) + '\n';
}

/**
 * Generates all output files in memory: file name -> content. Pure function of the input directory.
 */
export function generateSchemas(inputDir: string, options: GeneratorOptions = {}): Map<string, string> {
  const { definitions, kinds } = readSpecs(inputDir);
  const files = new Map<string, string>();
  const index: JsonObject = {};
  const pending: string[] = [];
  const needed = new Set<string>();
  const addRefs = (refs: Set<string>) => {
    for (const r of [...refs].sort(cmp)) {
      if (!needed.has(r)) {
        needed.add(r);
        pending.push(r);
      }
    }
  };

  for (const k of kinds) {
    const def = definitions.get(k.definition)!;
    const refs = new Set<string>();
    const source: JsonObject = { ...def };
    if (options.omitStatus && isObject(def.properties) && def.properties.status !== undefined) {
      const status = def.properties.status as JsonObject;
      const statusDoc = isObject(status) && typeof status.description === 'string' ? status.description : 'Status of the object.';
      source.properties = {
        ...def.properties,
        status: { description: `${statusDoc} Written by the cluster; not validated here.`, type: 'object' },
      };
    }
    const root = convertSchema(source, `${DEFINITIONS_FILE}#/definitions/`, refs) as JsonObject;
    const props = isObject(root.properties) ? root.properties : (root.properties = {});
    const apiVersionProp = isObject(props.apiVersion) ? props.apiVersion : {};
    const kindProp = isObject(props.kind) ? props.kind : {};
    props.apiVersion = { ...apiVersionProp, type: 'string', enum: [k.apiVersion] };
    props.kind = { ...kindProp, type: 'string', enum: [k.kind] };
    root.type = 'object';
    root.$schema = 'http://json-schema.org/draft-07/schema#';
    files.set(k.file, stableStringify(root));
    index[`${k.apiVersion}|${k.kind}`] = k.file;
    addRefs(refs);
  }

  const defsOut: JsonObject = {};
  while (pending.length > 0) {
    const name = pending.shift()!;
    const def = definitions.get(name);
    if (!def) {
      throw new Error(`Unresolved reference to ${name}`);
    }
    const refs = new Set<string>();
    defsOut[name] = convertSchema(def, '#/definitions/', refs);
    addRefs(refs);
  }
  files.set(
    DEFINITIONS_FILE,
    stableStringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: defsOut,
    }),
  );
  files.set(INDEX_FILE, stableStringify(index));
  return new Map([...files.entries()].sort((a, b) => cmp(a[0], b[0])));
}

/** The repository root: the nearest ancestor of this file holding package.json. */
export function findRepoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return process.cwd();
    }
    dir = parent;
  }
}

export function defaultInputDir(root: string = findRepoRoot()): string {
  return path.resolve(root, '..', 'shared', 'kubernetes-openapi', 'v1.35');
}

export function defaultOutputDir(inputDir: string, root: string = findRepoRoot()): string {
  return path.resolve(root, 'schemas', path.basename(path.resolve(inputDir)));
}

/** Compares generated files with a directory; returns the names that differ, are missing or are extra. */
export function diffOutput(files: Map<string, string>, outputDir: string): string[] {
  const differences: string[] = [];
  const existing = fs.existsSync(outputDir) ? fs.readdirSync(outputDir).filter((f) => f.endsWith('.json')) : [];
  for (const f of existing) {
    if (!files.has(f)) {
      differences.push(`extra: ${f}`);
    }
  }
  for (const [name, content] of files) {
    const p = path.join(outputDir, name);
    if (!fs.existsSync(p)) {
      differences.push(`missing: ${name}`);
    } else if (fs.readFileSync(p, 'utf8') !== content) {
      differences.push(`changed: ${name}`);
    }
  }
  return differences.sort(cmp);
}

export function writeOutput(files: Map<string, string>, outputDir: string): void {
  fs.mkdirSync(outputDir, { recursive: true });
  for (const f of fs.readdirSync(outputDir)) {
    if (f.endsWith('.json') && !files.has(f)) {
      fs.unlinkSync(path.join(outputDir, f));
    }
  }
  for (const [name, content] of files) {
    const p = path.join(outputDir, name);
    if (!fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== content) {
      fs.writeFileSync(p, content);
    }
  }
}

function main(argv: string[]): number {
  let input: string | undefined;
  let output: string | undefined;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--input' || a === '-i') {
      input = argv[++i];
    } else if (a === '--output' || a === '-o') {
      output = argv[++i];
    } else if (a === '--check') {
      check = true;
    } else if (a === '--help' || a === '-h') {
      console.log('usage: generate-schemas [--input <openapi dir>] [--output <schemas dir>] [--check]');
      return 0;
    } else if (!a.startsWith('-') && input === undefined) {
      input = a;
    } else {
      console.error(`unknown argument: ${a}`);
      return 2;
    }
  }
  const root = findRepoRoot();
  const inputDir = input ? path.resolve(input) : defaultInputDir(root);
  const outputDir = output ? path.resolve(output) : defaultOutputDir(inputDir, root);
  const files = generateSchemas(inputDir);
  let total = 0;
  for (const c of files.values()) {
    total += Buffer.byteLength(c);
  }
  if (check) {
    const diff = diffOutput(files, outputDir);
    if (diff.length > 0) {
      console.error(`${outputDir} is out of date:\n  ${diff.join('\n  ')}\nRun: node out/scripts/generate-schemas.js`);
      return 1;
    }
    console.log(`${outputDir} is up to date (${files.size} files, ${total} bytes)`);
    return 0;
  }
  writeOutput(files, outputDir);
  console.log(`wrote ${files.size} files (${total} bytes) to ${outputDir}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`generate-schemas: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
