/** Offsets ↔ LSP positions (0-based line, UTF-16 character), computed once per text. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export class LineIndex {
  private readonly starts: Uint32Array;

  constructor(readonly text: string) {
    // Two passes with indexOf (native scans), into a typed array: cheaper to build and to keep than number[].
    const hasCr = text.indexOf('\r') >= 0;
    let n = 1;
    if (!hasCr) for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    else
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) n++;
      }
    const starts = new Uint32Array(n);
    let k = 1;
    if (!hasCr) for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
    else
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) starts[k++] = i + 1;
      }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** End of a line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1] - 1;
    if (end > 0 && this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  position(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // An offset on the line break (e.g. the \n of \r\n) is the end of the line's content.
    return { line: lo, character: Math.min(offset, this.lineEnd(lo)) - this.starts[lo] };
  }

  /** Indentation column of an offset: characters since its line start, not counting a byte order mark at the start of the text. */
  column(offset: number): number {
    const p = this.position(offset);
    return p.line === 0 && this.text.charCodeAt(0) === 0xfeff ? Math.max(0, p.character - 1) : p.character;
  }

  offset(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    return Math.min(this.lineStart(pos.line) + pos.character, this.lineEnd(pos.line));
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}
