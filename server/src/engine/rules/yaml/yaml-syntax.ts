import { defineRule } from '../types';

export default defineRule({
  id: 'yaml-syntax',
  family: 'yaml',
  title: 'YAML syntax error',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    summary: 'The document is not valid YAML; it cannot be applied or analysed.',
    why: 'kubectl and the API server reject the whole file. Only the broken document is skipped by the analysis: the other documents of the file are still checked.',
    insecure: 'ports:\n- port: 80\n  protocol: [TCP',
    hardened: 'ports:\n- port: 80\n  protocol: TCP',
    references: ['https://yaml.org/spec/1.2.2/'],
  },
  checkFile(file, ctx) {
    if (!file.isKubernetes) return;
    for (const doc of file.documents) {
      if (!doc.error) continue;
      const at = doc.start + doc.error.offset;
      const pos = file.lines.position(at);
      // Underline from the error to the end of its line (at least one character).
      const end = Math.max(at + 1, file.lines.lineEnd(pos.line));
      ctx.report({ file, range: file.lines.range(at, Math.min(end, file.text.length)), message: `YAML syntax error: ${doc.error.message}` });
    }
  },
});
