/**
 * Resources that are not written in one file but rendered from several —
 * Kustomize overlays. The engine analyses the rendered objects like any
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
  /** Kustomize's own message. */
  message: string;
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
  /** Kustomizations that could not be rendered (rule `kustomize-build-failed`). */
  readonly failures: readonly RenderFailure[];
}
