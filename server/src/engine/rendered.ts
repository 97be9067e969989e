/**
 * Resources that are not written in one file but rendered from several —
 * Kustomize overlays, Helm charts. The engine analyses the rendered objects like any
 * other file of the workspace (so NetworkPolicy selection and RBAC see the
 * rendered names, labels and namespaces), and this hook maps every finding
 * on them back to the file and line that wrote the offending field.
 *
 * The engine stays free of I/O: rendering (running `kubectl kustomize`)
 * and the mapping live in server/src/kustomize/; they attach an
 * implementation to `WorkspaceIndex.rendered`.
 */
import type { Resource, SourceFile } from './model';
import type { Range } from './text';
import type { YPath } from './yaml/parse';
import type { Finding } from './rules/types';

export interface RenderFailure {
  /** The kustomization file that failed to build (not part of the workspace's files). */
  file: SourceFile;
  /** The tool's own message. */
  message: string;
  /** Which renderer failed (default: kustomize). */
  tool?: 'kustomize' | 'helm';
}

export interface RenderedSources {
  /** True for the virtual files that hold rendered objects. */
  isRendered(uri: string): boolean;
  /**
   * A finding on a rendered file, moved to the source that wrote the field
   * (uri, range), with `kustomization` set; fixes are dropped (they would
   * edit the rendered text).
   */
  remap(finding: Finding): Finding;
  /**
   * The source file and range that wrote a field of a rendered resource (e.g. the kustomization `labels`
   * entry that set a Namespace's Pod Security label); undefined when `resource` is not rendered.
   */
  sourceOf(resource: Resource, path: YPath): { uri: string; range: Range } | undefined;
  /** Kustomizations (rule `kustomize-build-failed`) and charts (`helm-render-failed`) that could not be rendered. */
  readonly failures: readonly RenderFailure[];
}

/** Several renderers' sources in one workspace (Kustomize and Helm), each attached under its own key. */
export class RenderedParts implements RenderedSources {
  private readonly parts = new Map<string, RenderedSources>();

  set(key: string, part: RenderedSources | undefined): void {
    if (part) this.parts.set(key, part);
    else this.parts.delete(key);
  }

  get(key: string): RenderedSources | undefined {
    return this.parts.get(key);
  }

  get size(): number {
    return this.parts.size;
  }

  isRendered(uri: string): boolean {
    for (const p of this.parts.values()) if (p.isRendered(uri)) return true;
    return false;
  }

  remap(finding: Finding): Finding {
    for (const p of this.parts.values()) if (p.isRendered(finding.uri)) return p.remap(finding);
    return finding;
  }

  sourceOf(resource: Resource, path: YPath): { uri: string; range: Range } | undefined {
    for (const p of this.parts.values()) {
      const s = p.sourceOf(resource, path);
      if (s) return s;
    }
    return undefined;
  }

  get failures(): RenderFailure[] {
    return [...this.parts.values()].flatMap((p) => p.failures);
  }
}

/**
 * Attach one renderer's sources to a workspace (`key`: 'kustomize', 'helm'), keeping the others';
 * `undefined` detaches it.
 */
export function attachRendered(ws: { rendered: RenderedSources | undefined }, key: string, part: RenderedSources | undefined): void {
  const parts = ws.rendered instanceof RenderedParts ? ws.rendered : new RenderedParts();
  parts.set(key, part);
  ws.rendered = parts.size ? parts : undefined;
}

