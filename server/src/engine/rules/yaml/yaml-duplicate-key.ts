import { defineRule } from '../types';

export default defineRule({
  id: 'yaml-duplicate-key',
  family: 'yaml',
  title: 'Duplicate mapping key',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    summary: 'A key appears twice in the same mapping; only the last value takes effect.',
    why: 'YAML forbids duplicate keys and kubectl rejects them; tools that accept them silently keep the last value, so the first one — often the one the author meant, such as a port — is ignored.',
    insecure: 'ports:\n- protocol: TCP\n  port: 53\n  port: 5353',
    hardened: 'ports:\n- protocol: TCP\n  port: 53\n- protocol: TCP\n  port: 5353',
    references: ['https://yaml.org/spec/1.2.2/#mapping'],
  },
  checkFile(file, ctx) {
    if (!file.isKubernetes) return;
    for (const doc of file.documents) {
      for (const dup of doc.duplicates) {
        const first = file.lines.position(doc.start + dup.first.start);
        ctx.report({
          file,
          range: file.lines.range(doc.start + dup.node.start, doc.start + dup.node.end),
          message: `Duplicate key "${dup.key}": the earlier value on line ${first.line + 1} is silently overridden.`,
          related: [{ uri: file.uri, range: file.lines.range(doc.start + dup.first.start, doc.start + dup.first.end), message: `first "${dup.key}"` }],
        });
      }
    }
  },
});
