/**
 * Rendered Helm releases inside a WorkspaceIndex, and the way back from a
 * finding on a rendered object to the line the user changes:
 *
 * 1. the template that wrote the object (helm's `# Source:` comment), and in
 *    it the line of the field: keys are followed by indentation, list items
 *    by their `-`, `{{ … }}` action lines are skipped;
 * 2. when the value came from values — a `toYaml .Values.x` (or `with
 *    .Values.x` + `toYaml .`) block the field is inside, or a field line
 *    whose value is `{{ .Values.x }}` — the values line that set it: the
 *    release's `set:` entry, else its values files (last first), else the
 *    chart's `values.yaml`; the template line becomes related information;
 * 3. else the chart's Chart.yaml.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsyaml from 'js-yaml';
import type { Finding } from '../engine';
import type { Fix } from '../engine';
import { replaceScalar } from '../engine';
import { applyEdits } from '../engine';
import { CLUSTER_SCOPED, loadSourceFile, Resource, SourceFile } from '../engine';
import type { RenderedSources, RenderFailure } from '../engine';
import { Range } from '../engine';
import type { WorkspaceIndex } from '../engine';
import { KUBERNETES_SCHEMA, YamlDocument, YPath } from '../engine';
import type { HelmReleaseSpec } from './render';

export const HELM_RENDERED_SCHEME = 'k8s-guardrails-helm:';

export interface HelmMapHost {
  uriOf(abs: string): string;
  /** The text of a source file (default: read from disk). */
  read?(abs: string): string | undefined;
}

/** A release as rendered: the spec plus where its `set:` entries are written (the configuration file). */
export interface HelmRelease extends HelmReleaseSpec {
  /** The `.k8s-guardrails.yaml` that lists this release, and its index in `helm.releases`. */
  config?: { file: string; index: number };
}

interface RenderedObject {
  object: Record<string, any>;
  release: HelmRelease;
  /** Absolute template file (from `# Source:`). */
  template?: string;
  /** Which object of its template with the same kind this is (0-based). */
  occurrence: number;
  /** Its part of the template, lexed (once; null when the template cannot be read). */
  section?: { lines: Line[]; text: string[] } | null;
}

interface Spot {
  uri: string;
  range: Range;
  /** The template line, when the spot is in a values file. */
  template?: { uri: string; range: Range };
  /** The values scalar that set the field, when it set exactly the field. */
  value?: { res: Resource; at: YPath };
}

interface Line {
  n: number;
  indent: number;
  /** Indentation of the key (after a `- `). */
  keyIndent: number;
  key?: string;
  dash: boolean;
  /** A line that is only a template action (`{{- if … }}`, `{{ toYaml … }}`). */
  action: boolean;
  content: boolean;
  text: string;
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function getIn(v: unknown, p: YPath): unknown {
  let cur = v;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg as string];
  }
  return cur;
}

/** How many leading segments of `p` exist in `v`. */
function depthIn(v: unknown, p: YPath): number {
  let cur = v;
  let d = 0;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) break;
    cur = (cur as Record<string, unknown>)[seg as string];
    d++;
  }
  return d;
}

const KEY_RE = /^(?:"([^"]+)"|'([^']+)'|([^\s"'{#\-][^:#]*?|-[^\s:#][^:#]*?)):(?:\s|$)/;

function lex(text: string, from: number, to: number, lines: string[]): Line[] {
  const out: Line[] = [];
  for (let n = from; n < to; n++) {
    const raw = lines[n];
    const trimmed = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    const action = trimmed.startsWith('{{') && trimmed.endsWith('}}') && !/\}\}\s*:/.test(trimmed);
    const content = trimmed !== '' && !trimmed.startsWith('#') && !action;
    let rest = trimmed;
    let dash = false;
    let keyIndent = indent;
    const d = /^-(\s+|$)/.exec(rest);
    if (d) {
      dash = true;
      keyIndent = indent + d[0].length;
      rest = rest.slice(d[0].length);
    }
    const m = content ? KEY_RE.exec(rest) : null;
    out.push({ n, indent, keyIndent, key: m ? (m[1] ?? m[2] ?? m[3]).trim() : undefined, dash, action, content, text: raw });
  }
  return out;
}

/** `.Values.a.b` (or `with .Values.a.b` + `toYaml .`) feeding a toYaml action → `['a', 'b']`. */
function valuesOfAction(all: Line[], at: Line): string[] | undefined {
  const direct = /toYaml\s+\(?\s*\.Values\.([\w.]+)/.exec(at.text) ?? /include\s+"[^"]*"\s+\(?\s*\.Values\.([\w.]+)/.exec(at.text);
  if (direct) return direct[1].split('.');
  if (/toYaml\s+\.\s*[|)}]/.test(at.text)) {
    for (let i = all.indexOf(at) - 1; i >= 0; i--) {
      const w = /\{\{-?\s*with\s+\.Values\.([\w.]+)/.exec(all[i].text);
      if (w) return w[1].split('.');
      if (/\{\{-?\s*(range|with)\b/.test(all[i].text)) return undefined;
    }
  }
  return undefined;
}

export class HelmRenderedSet implements RenderedSources {
  readonly failures: RenderFailure[] = [];
  private readonly rendered = new Map<string, { file: SourceFile; objects: Map<YamlDocument, RenderedObject> }>();
  private readonly texts = new Map<string, string | null>();
  private readonly valueFiles = new Map<string, { file: SourceFile; res: Resource } | null>();

  constructor(private readonly host: HelmMapHost) {}

  static renderedUri(host: HelmMapHost, r: HelmReleaseSpec): string {
    return `${HELM_RENDERED_SCHEME}${host.uriOf(r.chart)}#${r.namespace}/${r.name}`;
  }

  isRendered(uri: string): boolean {
    return this.rendered.has(uri);
  }

  uris(): string[] {
    return [...this.rendered.keys()];
  }

  /** Put a release's `helm template` output into `ws` (one virtual file); returns how many objects it rendered. */
  add(ws: WorkspaceIndex, release: HelmRelease, output: string): number {
    const objects: RenderedObject[] = [];
    const seen = new Map<string, number>();
    // helm writes `---` then `# Source: <chart>/<path in chart>` before every document.
    for (const part of output.split(/^---\s*$/m)) {
      const src = /^# Source: ([^\n]+)$/m.exec(part)?.[1]?.trim();
      let docs: unknown[];
      try {
        docs = jsyaml.loadAll(part, undefined, { schema: KUBERNETES_SCHEMA });
      } catch (e) {
        this.fail(release, `cannot read helm's output${src ? ` of ${src}` : ''}: ${(e as Error).message}`);
        return 0;
      }
      for (const d of docs) {
        if (!isObj(d) || !d.kind) continue;
        const template = src ? path.join(release.chart, ...src.split('/').slice(1)) : undefined;
        const key = `${template}\0${d.kind}`;
        const occurrence = seen.get(key) ?? 0;
        seen.set(key, occurrence + 1);
        // `helm install --namespace` puts namespaced objects that name none into the release's namespace.
        if (!CLUSTER_SCOPED.has(String(d.kind)) && isObj(d.metadata) && d.metadata.namespace === undefined) d.metadata.namespace = release.namespace;
        objects.push({ object: d, release, template, occurrence });
      }
    }
    const text = objects.map((o) => JSON.stringify(o.object, null, 1)).join('\n---\n').replace(/\{\{/g, '{\\u007b') + '\n';
    const uri = HelmRenderedSet.renderedUri(this.host, release);
    const file = ws.set(uri, text);
    const map = new Map<YamlDocument, RenderedObject>();
    file.documents.forEach((doc, i) => objects[i] && map.set(doc, objects[i]));
    this.rendered.set(uri, { file, objects: map });
    return objects.length;
  }

  fail(release: HelmReleaseSpec, message: string): void {
    const chartFile = path.join(release.chart, 'Chart.yaml');
    const text = this.read(chartFile) ?? '';
    this.failures.push({ file: loadSourceFile(this.host.uriOf(chartFile), text, undefined, { maxFileBytes: Number.MAX_SAFE_INTEGER }), message, tool: 'helm' });
  }

  remap(f: Finding): Finding {
    const entry = this.rendered.get(f.uri);
    const res = f.resource;
    const obj = res && entry?.objects.get(res.doc);
    if (!entry || !res || !obj) return f;
    const spot = this.locate(obj, f.path ?? []);
    const out: Finding = { ...f, uri: spot.uri, range: spot.range, helm: { chart: this.host.uriOf(obj.release.chart), release: obj.release.name } };
    delete out.fixes;
    if (spot.value && f.fixes) out.fixes = this.valueFixes(f, entry.file, res, obj, spot.value);
    const related = (f.related ?? []).map((r) => (this.isRendered(r.uri) ? { ...r, ...this.remapRange(r.uri, r.range) } : r));
    if (spot.template) related.unshift({ ...spot.template, message: 'the template line that renders it' });
    if (related.length) out.related = related;
    else delete out.related;
    return out;
  }

  sourceOf(res: Resource, p: YPath): { uri: string; range: Range } | undefined {
    const obj = this.rendered.get(res.file.uri)?.objects.get(res.doc);
    if (!obj) return undefined;
    const { uri, range } = this.locate(obj, p);
    return { uri, range };
  }

  /** The rendered values of a template line, for hovers: every rendered object's field written on that line. */
  renderedAt(templateAbs: string, line: number): { release: string; value: unknown }[] {
    const out: { release: string; value: unknown }[] = [];
    for (const { objects } of this.rendered.values())
      for (const obj of objects.values()) {
        if (obj.template !== templateAbs) continue;
        const hit = this.fieldAtLine(obj, line);
        if (hit) out.push({ release: obj.release.name, value: hit.value });
      }
    return out;
  }

  private fieldAtLine(obj: RenderedObject, line: number): { value: unknown } | undefined {
    // Walk every leaf path of the object and see whether its template line is `line` (bounded: first match).
    const stack: [unknown, YPath][] = [[obj.object, []]];
    let budget = 5000;
    while (stack.length && budget-- > 0) {
      const [v, p] = stack.pop()!;
      if (p.length) {
        const t = this.templateSpot(obj, p);
        if (t && t.line === line && t.depth === p.length) return { value: v };
      }
      if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...p, i]]));
      else if (isObj(v)) for (const [k, x] of Object.entries(v)) stack.push([x, [...p, k]]);
    }
    return undefined;
  }

  private remapRange(uri: string, range: Range): { uri: string; range: Range } {
    const entry = this.rendered.get(uri)!;
    const offset = entry.file.lines.offset(range.start);
    for (const [doc, obj] of entry.objects) if (offset >= doc.start && offset <= doc.end) return this.locate(obj, []);
    return { uri, range };
  }

  private chartSpot(release: HelmReleaseSpec): Spot {
    const abs = path.join(release.chart, 'Chart.yaml');
    const text = this.read(abs) ?? '';
    const first = text.split('\n')[0] ?? '';
    return { uri: this.host.uriOf(abs), range: { start: { line: 0, character: 0 }, end: { line: 0, character: first.length } } };
  }

  /** The template section (between `---` lines) that wrote `obj`. */
  private section(obj: RenderedObject): { lines: Line[]; text: string[] } | undefined {
    if (obj.section === undefined) obj.section = this.findSection(obj) ?? null;
    return obj.section ?? undefined;
  }

  private findSection(obj: RenderedObject): { lines: Line[]; text: string[] } | undefined {
    const text = obj.template ? this.read(obj.template) : undefined;
    if (text === undefined) return undefined;
    const all = text.split('\n');
    const bounds: [number, number][] = [];
    let start = 0;
    for (let i = 0; i <= all.length; i++)
      if (i === all.length || /^---\s*$/.test(all[i])) {
        bounds.push([start, i]);
        start = i + 1;
      }
    const kindRe = new RegExp(`^kind:\\s*["']?${String(obj.object.kind).replace(/[^\w]/g, '')}["']?\\s*$`, 'm');
    const ofKind = bounds.filter(([a, b]) => kindRe.test(all.slice(a, b).join('\n')));
    const candidates = ofKind.length ? ofKind : bounds.filter(([a, b]) => all.slice(a, b).some((l) => l.trim() && !l.trim().startsWith('{{') && !l.trim().startsWith('#')));
    const [a, b] = candidates.length ? candidates[obj.occurrence % candidates.length] : [0, all.length];
    return { lines: lex(text, a, b, all), text: all };
  }

  /**
   * The template line of `p`: how deep the literal keys go, and — when the rest came from values — the
   * values path that wrote it.
   */
  private templateSpot(obj: RenderedObject, p: YPath): { line: number; depth: number; range: Range; values?: YPath } | undefined {
    const sec = this.section(obj);
    if (!sec) return undefined;
    const lines = sec.lines;
    let scope = lines;
    let scopeIndent = -1;
    let matched: Line | undefined;
    let depth = 0;
    let values: YPath | undefined;
    for (let i = 0; i < p.length; i++) {
      const seg = p[i];
      const inScope = scope.filter((l) => l.content && l.keyIndent > scopeIndent);
      let hit: Line | undefined;
      let next: Line[] = [];
      if (typeof seg === 'number') {
        const dashes = inScope.filter((l) => l.dash);
        const minIndent = Math.min(...dashes.map((l) => l.indent));
        const items = dashes.filter((l) => l.indent === minIndent);
        hit = items[seg];
        if (hit) {
          const from = scope.indexOf(hit);
          const stop = scope.findIndex((l, j) => j > from && l.content && l.indent <= hit!.indent);
          next = scope.slice(from, stop < 0 ? scope.length : stop);
          scopeIndent = hit.indent;
        }
      } else {
        const childIndent = Math.min(...inScope.map((l) => l.keyIndent));
        hit = inScope.find((l) => l.key === seg && l.keyIndent === childIndent);
        if (hit) {
          const from = scope.indexOf(hit);
          const stop = scope.findIndex((l, j) => j > from && l.content && l.indent <= hit!.keyIndent);
          next = scope.slice(from + 1, stop < 0 ? scope.length : stop);
          scopeIndent = hit.keyIndent;
        }
      }
      if (!hit) {
        // The rest came from a template action in this block: a toYaml of values, if we can name them.
        const actions = scope.filter((l) => l.action && l.indent > (matched?.indent ?? -1) - 1);
        const candidates = actions.map((a) => valuesOfAction(lines, a)).filter((v): v is string[] => !!v);
        const rest = p.slice(i);
        const exists = getIn(obj.object, p.slice(0, i + 1)) !== undefined;
        const pick = exists ? candidates.find((c) => this.valuesDepth(obj, [...c, ...rest]).depth > c.length) ?? (candidates.length === 1 ? candidates[0] : undefined) : candidates.length === 1 ? candidates[0] : undefined;
        if (pick) values = [...pick, ...rest];
        break;
      }
      matched = hit;
      depth = i + 1;
      scope = next;
      if (depth === p.length && typeof seg === 'string') {
        // A field whose value is `{{ .Values.x }}` (one values reference on the line).
        const after = hit.text.slice(hit.text.indexOf(':') + 1);
        const refs = [...after.matchAll(/\.Values\.([\w.]+)/g)];
        if (refs.length === 1) values = refs[0][1].split('.');
      }
    }
    if (!matched) return values ? { line: -1, depth: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, values } : undefined;
    const t = matched.text;
    const start = matched.dash && typeof p[depth - 1] === 'string' ? matched.keyIndent : matched.indent;
    return { line: matched.n, depth, range: { start: { line: matched.n, character: start }, end: { line: matched.n, character: t.trimEnd().length } }, values };
  }

  /** The values sources of a release, most important first: `set:` (config file), values files (last first), chart values. */
  private valuesDepth(obj: RenderedObject, vp: YPath): { depth: number; uri?: string; range?: Range; res?: Resource; at?: YPath } {
    const release = obj.release;
    const chain = this.subchartChain(obj);
    let best: { depth: number; uri?: string; range?: Range; res?: Resource; at?: YPath } = { depth: 0 };
    if (release.config) {
      for (const key of Object.keys(release.set)) {
        const segs = key.split('.');
        if (segs.length <= chain.length + vp.length && segs.every((s, i) => String([...chain, ...vp][i]) === s)) {
          const cfg = this.valuesFile(release.config.file);
          const at = ['helm', 'releases', release.config.index, 'set', key];
          if (cfg) return { depth: segs.length === chain.length + vp.length ? vp.length : vp.length - 1, uri: cfg.file.uri, range: cfg.res.range(at), res: cfg.res, at };
        }
      }
    }
    const files = [...[...release.values].reverse().map((abs) => ({ abs, prefix: chain })), ...this.chartValues(release, chain)];
    for (const { abs, prefix } of files) {
      const vf = this.valuesFile(abs);
      if (!vf) continue;
      const full = [...prefix, ...vp];
      const d = depthIn(vf.res.object, full) - prefix.length;
      if (d > best.depth) best = { depth: d, uri: vf.file.uri, range: vf.res.range(full.slice(0, d + prefix.length)), res: vf.res, at: full.slice(0, d + prefix.length) };
      if (d === vp.length) break;
    }
    return best;
  }

  /** The subcharts a template is in (`charts/a/charts/b/templates/x.yaml` → a, b): its values sit under their names. */
  private subchartChain(obj: RenderedObject): string[] {
    if (!obj.template) return [];
    const rel = path.relative(obj.release.chart, obj.template).split(path.sep);
    const chain: string[] = [];
    for (let i = 0; i + 1 < rel.length && rel[i] === 'charts'; i += 2) chain.push(rel[i + 1]);
    return chain;
  }

  /** The chart's own values.yaml; for a subchart template, the parent's (under the subchart's name) then the subchart's own. */
  private chartValues(release: HelmRelease, chain: string[]): { abs: string; prefix: string[] }[] {
    const out: { abs: string; prefix: string[] }[] = [];
    for (let i = 0; i <= chain.length; i++)
      out.push({ abs: path.join(release.chart, ...chain.slice(0, i).flatMap((c) => ['charts', c]), 'values.yaml'), prefix: chain.slice(i) });
    return out;
  }

  private locate(obj: RenderedObject, p: YPath): Spot {
    // The object as a whole: its template's `kind:` line.
    const t = this.templateSpot(obj, p.length ? p : ['kind']);
    if (!t) return this.chartSpot(obj.release);
    const templateSpot = t.line >= 0 ? { uri: this.host.uriOf(obj.template!), range: t.range } : undefined;
    if (t.values) {
      const v = this.valuesDepth(obj, t.values);
      // Only when the values set at least the key the template reads.
      if (v.uri && v.range && v.depth >= 1) {
        const exact = v.depth === t.values.length && v.res && v.at;
        return { uri: v.uri, range: v.range, template: templateSpot, value: exact ? { res: v.res!, at: v.at! } : undefined };
      }
    }
    return templateSpot ?? this.chartSpot(obj.release);
  }

  /**
   * The rule's fixes, moved to the values line when a fix only changes the field's value (say privileged: true →
   * false): applied to the rendered object, the object differs at that scalar only.
   */
  private valueFixes(f: Finding, rendered: SourceFile, res: Resource, obj: RenderedObject, value: { res: Resource; at: YPath }): Finding['fixes'] {
    const original = f.fixes!;
    const p = f.path ?? [];
    const docIndex = rendered.documents.indexOf(res.doc);
    return (opts) => {
      const out: Fix[] = [];
      const before = getIn(obj.object, p);
      if (before === null || typeof before === 'object' || docIndex < 0) return out;
      for (const fix of original(opts)) {
        if (fix.suppression || !fix.edits.length || fix.edits.some((e) => e.uri !== rendered.uri)) continue;
        let after: unknown;
        try {
          after = jsyaml.loadAll(applyEdits(rendered.text, fix.edits), undefined, { schema: KUBERNETES_SCHEMA })[docIndex];
        } catch {
          continue;
        }
        const next = getIn(after, p);
        if (next === undefined || next === null || typeof next === 'object' || next === before) continue;
        // Nothing else changed: put the old value back and compare.
        const restored = JSON.parse(JSON.stringify(after));
        let cur: any = restored;
        for (const seg of p.slice(0, -1)) cur = cur?.[seg as string];
        if (!cur || typeof cur !== 'object') continue;
        cur[p[p.length - 1] as string] = before;
        if (JSON.stringify(restored) !== JSON.stringify(obj.object)) continue;
        const edit = replaceScalar(value.res, value.at, typeof next === 'string' ? JSON.stringify(next) : String(next));
        if (edit) out.push({ ...fix, title: `${fix.title} (in ${path.basename(value.res.file.uri)})`, edits: [edit] });
      }
      return out;
    };
  }

  private read(abs: string): string | undefined {
    let t = this.texts.get(abs);
    if (t === undefined) {
      if (this.host.read) t = this.host.read(abs) ?? null;
      else {
        try {
          t = fs.readFileSync(abs, 'utf8');
        } catch {
          t = null;
        }
      }
      this.texts.set(abs, t);
    }
    return t ?? undefined;
  }

  private valuesFile(abs: string): { file: SourceFile; res: Resource } | undefined {
    let v = this.valueFiles.get(abs);
    if (v === undefined) {
      v = null;
      const text = this.read(abs);
      if (text !== undefined) {
        const file = loadSourceFile(this.host.uriOf(abs), text, undefined, { maxFileBytes: Number.MAX_SAFE_INTEGER });
        const doc = file.documents[0];
        if (doc && isObj(doc.value)) v = { file, res: new Resource(file, doc, [], doc.value) };
      }
      this.valueFiles.set(abs, v);
    }
    return v ?? undefined;
  }
}
