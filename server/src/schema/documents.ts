/**
 * The YAML documents of a multi-document text, as the schema layer validates them one by one (server/src/lsp
 * schema-layer.ts on the main thread, server/src/schema/worker.ts in the schema worker): no editor imports.
 */

/** One YAML document of a multi-document text: its text (from its `---` line) and its first line. */
export interface DocumentChunk {
  text: string;
  line: number;
}

/**
 * Splits a YAML stream at its document markers (`---` at column 0, which YAML reserves: it ends any block
 * scalar too). Returns undefined when the text has directives (`%YAML`, `%TAG`) or document-end markers
 * (`...`), whose meaning spans documents: such texts are validated whole.
 */
export function splitYamlDocuments(text: string): DocumentChunk[] | undefined {
  if (/^(%|\.\.\.(\s|$))/m.test(text)) return undefined;
  const chunks: DocumentChunk[] = [];
  const marker = /^---(?=\s|$)/gm;
  let start = 0;
  let line = 0;
  let m: RegExpExecArray | null;
  const lineAt = (from: number, to: number) => {
    let n = 0;
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  while ((m = marker.exec(text))) {
    if (m.index === 0) continue;
    chunks.push({ text: text.slice(start, m.index), line });
    line += lineAt(start, m.index);
    start = m.index;
  }
  chunks.push({ text: text.slice(start), line });
  return chunks;
}

/**
 * yaml-language-server expands aliases while it walks a document: a "billion
 * laughs" alias bomb exhausts the server's memory. Kubernetes manifests hardly
 * use aliases, so a document with many alias references gets no schema layer
 * (our own engine shares aliased values and is unaffected).
 */
export const MAX_SCHEMA_ALIASES = 32;
export function aliasHeavy(text: string): boolean {
  let n = 0;
  const re = /(?:^|[\s[{,:-])\*[^\s,\]}]/g;
  while (re.exec(text)) if (++n > MAX_SCHEMA_ALIASES) return true;
  return false;
}

/** A line/character range (the LSP's `Range`, without importing the language server library). */
export interface LineRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** A range of a document that starts `lines` lines into its file, in file coordinates. */
export function shiftRange(r: LineRange, lines: number): LineRange {
  return { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
}
