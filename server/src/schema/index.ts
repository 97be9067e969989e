/**
 * Kubernetes schema validation, completion and hover, built on yaml-language-server 1.25 used as a library.
 *
 * Per-document schema selection: yaml-language-server's completion and hover ask their schema service for
 * the schema of one document of a multi-document file (`getSchemaForResource(uri, singleYamlDocument)`).
 * We give them a stand-in service that answers from that document's own top-level `apiVersion`/`kind`,
 * looked up in `index.json`; validation does the same lookup for each document and runs yaml-language-server's
 * validator (`SingleYAMLDocument.validate`) with the selected schema. Documents without both fields, and
 * kinds that are not in the index (CRDs, ...), are not validated (completion/hover then only know
 * apiVersion, kind and metadata). Modelines, `$schema`, file associations and the CRD catalog of
 * yaml-language-server are bypassed, so nothing is ever fetched from the network.
 *
 * Schemas are loaded lazily: index.json on first use, _definitions.json with the first known kind, each
 * kind file the first time it is needed. `$ref`s are linked in memory (definitions are shared objects,
 * recursive definitions become cyclic graphs) and the result is cached per kind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { CompletionList, Diagnostic, Hover, Position } from 'vscode-languageserver';
// Must be loaded before the services: baseValidator and validatorFactory import each other, and only this
// order (factory first) initialises them (yaml-language-server's own entry point happens to load it first).
import 'yaml-language-server/out/server/src/languageservice/parser/schemaValidation/validatorFactory';
import type {
  ResolvedSchema,
  YAMLSchemaService,
} from 'yaml-language-server/out/server/src/languageservice/services/yamlSchemaService';
import { YamlCompletion } from 'yaml-language-server/out/server/src/languageservice/services/yamlCompletion';
import { YAMLHover } from 'yaml-language-server/out/server/src/languageservice/services/yamlHover';
import {
  SingleYAMLDocument,
  yamlDocumentsCache,
} from 'yaml-language-server/out/server/src/languageservice/parser/yaml-documents';
import { parse as parseYaml } from 'yaml-language-server/out/server/src/languageservice/parser/yamlParser07';
import type { JSONDocument } from 'yaml-language-server/out/server/src/languageservice/parser/jsonDocument';
import type { JSONSchema } from 'yaml-language-server/out/server/src/languageservice/jsonSchema';
import type { YAMLDocDiagnostic } from 'yaml-language-server/out/server/src/languageservice/utils/parseUtils';

export const SCHEMA_SOURCE = 'k8s-guardrails (schema)';
export const SYNTAX_SOURCE = 'k8s-guardrails (yaml)';
export const DEFAULT_SCHEMA_VERSION = 'v1.35';
const DEFINITIONS_FILE = '_definitions.json';
const INDEX_FILE = 'index.json';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export interface ValidateOptions {
  /**
   * Checked between YAML documents; when it returns true, validation stops and resolves with the diagnostics
   * found so far (the caller is expected to drop them: they describe an outdated text).
   */
  isCancelled?: () => boolean;
  /**
   * Yield to the event loop (setImmediate) after this many milliseconds of work, so that a long file does not
   * block a server's other requests. Default: never yield (the CLI).
   */
  yieldAfterMs?: number;
  /** Awaited at each yield: more urgent work of the server to let go first (a promise), or undefined for none. */
  yieldTo?: () => Promise<void> | undefined;
}

export interface SchemaService {
  /** Schema diagnostics of every document that is a known Kubernetes kind; source 'k8s-guardrails (schema)'. */
  validate(doc: TextDocument, options?: ValidateOptions): Promise<Diagnostic[]>;
  complete(doc: TextDocument, pos: Position): Promise<CompletionList>;
  hover(doc: TextDocument, pos: Position): Promise<Hover | null>;
  /** Drop what is cached for a document (its parse for completion and hover), e.g. when it is closed. */
  forget(uri: string): void;
}

export interface SchemaServiceOptions {
  /** Directory holding index.json, _definitions.json and the kind files (e.g. <ext>/schemas/v1.35). */
  schemasDir: string;
  /** YAML version used to parse documents; Kubernetes (sigs.k8s.io/yaml) follows YAML 1.1. Default '1.1'. */
  yamlVersion?: '1.1' | '1.2';
  /** Custom tags accepted by the parser, in yaml-language-server syntax (e.g. '!Ref scalar'). */
  customTags?: string[];
  /** Also report YAML syntax errors (source 'k8s-guardrails (yaml)'). Default false. */
  syntaxErrors?: boolean;
  /**
   * Severity of schema diagnostics. yaml-language-server reports most schema problems as warnings; the API
   * server rejects them (unknown fields with strict field validation, wrong types), so the default is Error.
   */
  severity?: DiagnosticSeverity;
  /**
   * Accept `null` (an empty value, `~`, `null`) for any field, as the API server does (null means unset):
   * type mismatches on null values are not reported. Default true.
   */
  allowNull?: boolean;
  /**
   * The JSON schema of `.k8s-guardrails.yaml` (completion and hover of its keys and rule ids; its errors are the
   * tool's own diagnostics). Default: `k8s-guardrails-config.schema.json` next to the Kubernetes schemas' folder.
   */
  configSchemaFile?: string;
}

/** Names of the workspace configuration file (as in engine/config.ts). */
const CONFIG_FILE = /\/\.k8s-guardrails\.ya?ml(#[^/]*)?$/;
export const CONFIG_SCHEMA_FILE = 'k8s-guardrails-config.schema.json';

type SchemaObject = Record<string, unknown>;

/** Keywords whose value is a schema or an array/map of schemas in the generated files. */
const SCHEMA_KEYWORDS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];
const ANNOTATION_KEYWORDS = new Set(['description', 'markdownDescription', 'title', 'default', 'examples']);
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions'];

function isObject(v: unknown): v is SchemaObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Loads schema files from one directory only. Anything that is not a plain file name inside that
 * directory (other directories, http(s) URIs, ...) is rejected: the service never makes network requests.
 */
export class SchemaFileStore {
  readonly dir: string;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** The file path for a file name, or an error if the name would leave the directory. */
  pathOf(name: string): string {
    if (!/^[A-Za-z0-9._-]+\.json$/.test(name) || name.startsWith('.')) {
      throw new Error(`Refusing to load schema '${name}': not a schema file name`);
    }
    return path.join(this.dir, name);
  }

  /** Resolves a schema URI to a file name inside the directory, or throws. Only file: URIs are accepted. */
  nameOfUri(uri: string): string {
    let file: string;
    try {
      const u = new URL(uri);
      if (u.protocol !== 'file:') {
        throw new Error('not a file URI');
      }
      file = path.resolve(fileURLToPath(u));
    } catch {
      throw new Error(`Refusing to load schema '${uri}': only files of ${this.dir} are available`);
    }
    const sameDir =
      process.platform === 'win32' ? path.dirname(file).toLowerCase() === this.dir.toLowerCase() : path.dirname(file) === this.dir;
    if (!sameDir) {
      throw new Error(`Refusing to load schema '${uri}': only files of ${this.dir} are available`);
    }
    return path.basename(file);
  }

  uriOf(name: string): string {
    return pathToFileURL(this.pathOf(name)).toString();
  }

  readText(name: string): Promise<string> {
    return fs.promises.readFile(this.pathOf(name), 'utf8');
  }

  /** Parsed JSON of a file, cached. */
  readJson(name: string): Promise<unknown> {
    let p = this.cache.get(name);
    if (!p) {
      p = this.readText(name).then((t) => JSON.parse(t) as unknown);
      this.cache.set(name, p);
      p.catch(() => this.cache.delete(name));
    }
    return p;
  }
}

/** The top-level string values of apiVersion and kind of a document (either may be missing). */
export function readApiVersionKind(doc: JSONDocument): { apiVersion?: string; kind?: string } {
  const root = doc.root;
  const result: { apiVersion?: string; kind?: string } = {};
  if (!root || root.type !== 'object') {
    return result;
  }
  for (const p of root.properties) {
    const key = p.keyNode?.value;
    const value = p.valueNode?.value;
    if ((key === 'apiVersion' || key === 'kind') && typeof value === 'string' && value.trim()) {
      result[key] = value.trim();
    }
  }
  return result;
}

/** The top-level apiVersion and kind of a document, when both are strings. */
export function getApiVersionKind(doc: JSONDocument): { apiVersion: string; kind: string } | undefined {
  const { apiVersion, kind } = readApiVersionKind(doc);
  return apiVersion && kind ? { apiVersion, kind } : undefined;
}

/**
 * Loads and links the schemas of kinds. Each kind's root schema is linked to the shared definitions:
 * `{"$ref": "..."}` nodes are replaced by the (shared) definition objects, so that resolution happens once
 * per definition, not once per kind or per document.
 */
class KindSchemaRegistry {
  private index: Promise<Map<string, string>> | undefined;
  private definitions: Promise<Map<string, SchemaObject>> | undefined;
  /** Schema objects of the linked definitions: linking a kind stops there. */
  private readonly linkedDefinitions = new Set<object>();
  private readonly kinds = new Map<string, Promise<ResolvedSchema | undefined>>();
  private readonly generics = new Map<string, Promise<ResolvedSchema>>();
  private warned = new Set<string>();

  constructor(private readonly store: SchemaFileStore) {}

  private loadIndex(): Promise<Map<string, string>> {
    if (!this.index) {
      this.index = this.store.readJson(INDEX_FILE).then(
        (json) => {
          const map = new Map<string, string>();
          if (isObject(json)) {
            for (const [key, file] of Object.entries(json)) {
              if (typeof file === 'string') {
                map.set(key, file);
              }
            }
          }
          return map;
        },
        (err: unknown) => {
          this.warn(INDEX_FILE, err);
          return new Map<string, string>();
        },
      );
    }
    return this.index;
  }

  private loadDefinitions(): Promise<Map<string, SchemaObject>> {
    if (!this.definitions) {
      this.definitions = this.store.readJson(DEFINITIONS_FILE).then((json) => {
        const defs = new Map<string, SchemaObject>();
        const raw = isObject(json) && isObject(json.definitions) ? json.definitions : {};
        for (const [name, def] of Object.entries(raw)) {
          if (isObject(def)) {
            defs.set(name, def);
          }
        }
        const url = this.store.uriOf(DEFINITIONS_FILE);
        for (const def of defs.values()) {
          linkSchema(def, defs, this.linkedDefinitions, url);
        }
        return defs;
      });
    }
    return this.definitions;
  }

  /**
   * For completion and hover in documents that are not (yet) a known kind: apiVersion and kind with the
   * known values (narrowed by the other field when it is known) and the standard metadata.
   */
  async generic(apiVersion: string | undefined, kind: string | undefined): Promise<ResolvedSchema> {
    const index = await this.loadIndex();
    const pairs = [...index.keys()].map((k) => k.split('|') as [string, string]);
    const knownApiVersion = apiVersion && pairs.some(([a]) => a === apiVersion) ? apiVersion : '';
    const knownKind = kind && pairs.some(([, k]) => k === kind) ? kind : '';
    const key = `${knownApiVersion}|${knownKind}`;
    let p = this.generics.get(key);
    if (!p) {
      p = (async () => {
        const uniqueSorted = (values: string[]) => [...new Set(values)].sort();
        const apiVersions = uniqueSorted(pairs.filter(([, k]) => !knownKind || k === knownKind).map(([a]) => a));
        const kinds = uniqueSorted(pairs.filter(([a]) => !knownApiVersion || a === knownApiVersion).map(([, k]) => k));
        const url = this.store.uriOf(INDEX_FILE);
        const properties: SchemaObject = {
          apiVersion: {
            type: 'string',
            enum: apiVersions,
            description: 'APIVersion defines the versioned schema of this representation of an object.',
            url,
          },
          kind: {
            type: 'string',
            enum: kinds,
            description:
              'Kind is a string value representing the REST resource this object represents. Built-in kinds are validated against the Kubernetes schema; other kinds (custom resources) are not.',
            url,
          },
        };
        try {
          const meta = (await this.loadDefinitions()).get(OBJECT_META);
          if (meta) {
            properties.metadata = { ...meta, description: "Standard object's metadata.", url };
          }
        } catch (err) {
          this.warn(DEFINITIONS_FILE, err);
        }
        return resolved({ type: 'object', properties, url });
      })();
      this.generics.set(key, p);
    }
    return p;
  }

  async fileFor(apiVersion: string, kind: string): Promise<string | undefined> {
    return (await this.loadIndex()).get(`${apiVersion}|${kind}`);
  }

  /** The linked schema for a kind, or undefined if the kind is unknown or its schema cannot be loaded. */
  async get(apiVersion: string, kind: string): Promise<ResolvedSchema | undefined> {
    const file = await this.fileFor(apiVersion, kind);
    if (!file) {
      return undefined;
    }
    let p = this.kinds.get(file);
    if (!p) {
      p = this.loadKind(file).catch((err: unknown) => {
        this.warn(file, err);
        return undefined;
      });
      this.kinds.set(file, p);
    }
    return p;
  }

  private async loadKind(file: string): Promise<ResolvedSchema> {
    // parse a private copy: the linked root is mutated by the validator (url, closestTitle)
    const root = JSON.parse(await this.store.readText(file)) as unknown;
    if (!isObject(root)) {
      throw new Error(`${file} is not a schema object`);
    }
    const defs = await this.loadDefinitions();
    const seen = new Set<object>();
    linkSchema(root, defs, seen, this.store.uriOf(file), this.linkedDefinitions);
    // no $schema: yaml-language-server would try to meta-validate; draft-07 is its default dialect anyway
    delete root.$schema;
    return resolved(root);
  }

  private warn(file: string, err: unknown): void {
    if (!this.warned.has(file)) {
      this.warned.add(file);
      console.error(`[k8s-guardrails] cannot load schema ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function refTarget(ref: string, defs: Map<string, SchemaObject>): SchemaObject {
  const hash = ref.indexOf('#');
  const pointer = hash >= 0 ? ref.slice(hash + 1) : '';
  const file = hash >= 0 ? ref.slice(0, hash) : ref;
  const prefix = '/definitions/';
  if ((file === '' || file === DEFINITIONS_FILE || file === `./${DEFINITIONS_FILE}`) && pointer.startsWith(prefix)) {
    const name = pointer.slice(prefix.length).replace(/~1/g, '/').replace(/~0/g, '~');
    const def = defs.get(name);
    if (def) {
      return def;
    }
  }
  throw new Error(`unresolvable $ref '${ref}'`);
}

/**
 * Replaces, in place, every schema-valued slot holding `{"$ref": ...}` by the referenced definition and
 * sets `url` on every schema object (yaml-language-server otherwise stamps shared objects with the URL of
 * whichever kind used them first).
 */
function linkSchema(
  node: SchemaObject,
  defs: Map<string, SchemaObject>,
  seen: Set<object>,
  url: string,
  done?: Set<object>,
): void {
  const stack: SchemaObject[] = [node];
  const resolve = (child: unknown): unknown => {
    if (!isObject(child)) {
      return child;
    }
    if (typeof child.$ref === 'string') {
      return refTarget(child.$ref, defs);
    }
    // `{allOf: [{$ref}], description}` (a field of a named type): use a shallow copy of the type carrying the
    // field's own annotations, so that hover and completion show the field's description, not the type's.
    const allOf = child.allOf;
    if (
      Array.isArray(allOf) &&
      allOf.length === 1 &&
      isObject(allOf[0]) &&
      typeof allOf[0].$ref === 'string' &&
      Object.keys(child).every((k) => k === 'allOf' || ANNOTATION_KEYWORDS.has(k))
    ) {
      const copy: SchemaObject = { ...refTarget(allOf[0].$ref, defs) };
      for (const k of Object.keys(child)) {
        if (k !== 'allOf') {
          copy[k] = child[k];
        }
      }
      copy.url = url;
      return copy;
    }
    return child;
  };
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s) || done?.has(s)) {
      continue;
    }
    seen.add(s);
    if (s.url === undefined) {
      s.url = url;
    }
    for (const k of SCHEMA_KEYWORDS) {
      if (isObject(s[k])) {
        s[k] = resolve(s[k]);
        stack.push(s[k] as SchemaObject);
      }
    }
    for (const k of SCHEMA_ARRAY_KEYWORDS) {
      const arr = s[k];
      if (Array.isArray(arr)) {
        for (let i = 0; i < arr.length; i++) {
          arr[i] = resolve(arr[i]);
          if (isObject(arr[i])) {
            stack.push(arr[i] as SchemaObject);
          }
        }
      }
    }
    for (const k of SCHEMA_MAP_KEYWORDS) {
      const map = s[k];
      if (isObject(map) && k !== 'definitions') {
        for (const name of Object.keys(map)) {
          map[name] = resolve(map[name]);
          if (isObject(map[name])) {
            stack.push(map[name] as SchemaObject);
          }
        }
      }
    }
  }
}

/**
 * What yaml-language-server's completion and hover need from its schema service (`getSchemaForResource`,
 * `getAllSchemas` for modeline completion). A stand-in rather than a subclass of YAMLSchemaService: that
 * module drags in the whole language service (prettier, ajv, the CRD catalog, request-light).
 */
function createSchemaLookup(registry: KindSchemaRegistry, configSchema: () => Promise<ResolvedSchema | undefined>): YAMLSchemaService {
  const lookup = {
    async getSchemaForResource(resource: string, doc: JSONDocument): Promise<ResolvedSchema> {
      if (CONFIG_FILE.test(resource)) {
        const config = await configSchema();
        if (config) return config;
      }
      const { apiVersion, kind } = readApiVersionKind(doc);
      const schema = apiVersion && kind ? await registry.get(apiVersion, kind) : undefined;
      return schema ?? registry.generic(apiVersion, kind);
    },
    getAllSchemas(): [] {
      return [];
    },
    getSchemaURIsForResource(): string[] {
      return [];
    },
  };
  return lookup as unknown as YAMLSchemaService;
}

/** A resolved schema as yaml-language-server's services consume it. */
function resolved(schema: SchemaObject): ResolvedSchema {
  return { schema: schema as JSONSchema, errors: [], warnings: [] } as unknown as ResolvedSchema;
}

/** yaml-language-server's conversion of a parser diagnostic to an LSP diagnostic. */
function syntaxDiagnostic(e: YAMLDocDiagnostic, doc: TextDocument): Diagnostic {
  const start = doc.positionAt(e.location.start);
  const end = e.location.toLineEnd
    ? { line: start.line, character: doc.getText({ start: { line: start.line, character: 0 }, end: { line: start.line + 1, character: 0 } }).replace(/\r?\n$/, '').length }
    : doc.positionAt(e.location.end);
  return { range: { start, end }, message: e.message, severity: e.severity as DiagnosticSeverity, code: e.code, source: SYNTAX_SOURCE };
}

/** Whether the value at an offset (or the value of the property whose key is there) is null. */
function isNullValueAt(doc: SingleYAMLDocument, offset: number): boolean {
  const node = doc.getNodeFromOffset(offset, true);
  if (!node) {
    return false;
  }
  if (node.type === 'null') {
    return true;
  }
  const property = node.type === 'property' ? node : node.parent?.type === 'property' && node.parent.keyNode === node ? node.parent : undefined;
  if (property && property.type === 'property') {
    return !property.valueNode || property.valueNode.type === 'null';
  }
  return false;
}

function resolveSchemasDir(dir: string): string {
  const abs = path.resolve(dir);
  if (!fs.existsSync(path.join(abs, INDEX_FILE)) && fs.existsSync(path.join(abs, DEFAULT_SCHEMA_VERSION, INDEX_FILE))) {
    return path.join(abs, DEFAULT_SCHEMA_VERSION);
  }
  return abs;
}

export function createSchemaService(opts: SchemaServiceOptions): SchemaService {
  const store = new SchemaFileStore(resolveSchemasDir(opts.schemasDir));
  const registry = new KindSchemaRegistry(store);
  const configFile = opts.configSchemaFile ?? path.join(path.dirname(store.dir), CONFIG_SCHEMA_FILE);
  let config: Promise<ResolvedSchema | undefined> | undefined;
  const configSchema = () =>
    (config ??= fs.promises
      .readFile(configFile, 'utf8')
      .then((t) => resolved(JSON.parse(t) as SchemaObject))
      .catch(() => undefined));
  const schemaService = createSchemaLookup(registry, configSchema);
  const severity = opts.severity ?? DiagnosticSeverity.Error;
  const allowNull = opts.allowNull ?? true;
  const parserOptions = { customTags: opts.customTags ?? [], yamlVersion: opts.yamlVersion ?? '1.1' };
  const languageSettings = {
    validate: true,
    hover: true,
    completion: true,
    hoverSchemaSource: false,
    customTags: parserOptions.customTags,
    yamlVersion: parserOptions.yamlVersion,
    indentation: undefined,
  };
  const completer = new YamlCompletion(
    schemaService,
    {
      textDocument: {
        completion: {
          completionItem: { documentationFormat: ['markdown', 'plaintext'], snippetSupport: true },
        },
      },
    },
    yamlDocumentsCache,
  );
  completer.configure(languageSettings, undefined as never);
  const hoverService = new YAMLHover(schemaService);
  hoverService.configure(languageSettings);

  // yaml-language-server's hover and completion read the shared parse cache; prime it with our parser options
  const prime = (doc: TextDocument) => yamlDocumentsCache.getYamlDocument(doc, parserOptions, true);

  return {
    async validate(doc: TextDocument, options: ValidateOptions = {}): Promise<Diagnostic[]> {
      const { isCancelled, yieldAfterMs, yieldTo } = options;
      let sliceStart = Date.now();
      // parsed here rather than through the shared cache: the CLI validates many files once each
      const yamlDoc = parseYaml(doc.getText(), parserOptions, doc);
      const result: Diagnostic[] = [];
      const signatures = new Set<string>();
      const push = (d: Diagnostic, source: string) => {
        const sig = `${d.range.start.line}:${d.range.start.character}:${d.message}`;
        if (!signatures.has(sig)) {
          signatures.add(sig);
          d.source = source;
          result.push(d);
        }
      };
      for (const [index, single] of yamlDoc.documents.entries()) {
        if (yieldAfterMs !== undefined && Date.now() - sliceStart >= yieldAfterMs) {
          await new Promise((resolve) => setImmediate(resolve));
          await yieldTo?.();
          sliceStart = Date.now();
        }
        if (isCancelled?.()) {
          break;
        }
        const current = single as SingleYAMLDocument;
        if (opts.syntaxErrors) {
          for (const e of current.errors) {
            push(syntaxDiagnostic(e, doc), SYNTAX_SOURCE);
          }
        }
        current.currentDocIndex = index;
        const gvk = getApiVersionKind(current);
        // documents that are not a known kind (no apiVersion/kind, custom resources) are not validated
        const schema = gvk ? await registry.get(gvk.apiVersion, gvk.kind) : undefined;
        if (!schema) {
          continue;
        }
        let problems: Diagnostic[];
        try {
          problems = current.validate(doc, schema.schema) ?? [];
        } catch (err) {
          // one pathological document must not take the diagnostics of the others with it
          console.error(`[k8s-guardrails] schema validation failed in ${doc.uri}: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        for (const d of problems) {
          if (allowNull && d.message.startsWith('Incorrect type.') && isNullValueAt(current, doc.offsetAt(d.range.start))) {
            continue;
          }
          d.severity = severity;
          push(d, SCHEMA_SOURCE);
        }
      }
      return result.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    },

    async complete(doc: TextDocument, pos: Position): Promise<CompletionList> {
      prime(doc);
      let list: CompletionList;
      try {
        list = (await completer.doComplete(doc, pos, false)) ?? { isIncomplete: false, items: [] };
      } catch {
        return { isIncomplete: false, items: [] };
      }
      // yaml-language-server's own modeline (`# yaml-language-server: $schema=`) suggestion is not ours to offer
      list.items = list.items.filter((i) => !(i.insertText ?? '').startsWith('# yaml-language-server'));
      return list;
    },

    async hover(doc: TextDocument, pos: Position): Promise<Hover | null> {
      prime(doc);
      const h = await hoverService.doHover(doc, pos, false);
      if (!h) {
        return null;
      }
      const contents = h.contents;
      const empty = typeof contents === 'string' ? !contents : 'value' in contents && !Array.isArray(contents) && !contents.value;
      return empty ? null : h;
    },

    forget(uri: string): void {
      (yamlDocumentsCache as unknown as { cache: Map<string, unknown> }).cache?.delete(uri);
    },
  };
}
