/** Open documents: their text is the workspace's copy (the disk's once closed); Kustomize and Helm renders follow saves. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigFile } from '../../engine';
import type { GuardrailsServer } from '../server';

export function registerDocuments(server: GuardrailsServer): void {
  const { documents, files } = server;
  const onContent = (doc: TextDocument): void => {
    if (isConfigFile(doc.uri)) return files.loadConfig(doc.uri, doc.getText());
    if (server.hold(doc.uri, doc.getText())) return; // analysed through its renders, on save
    const before = server.host.file(doc.uri);
    const file = server.guard('parse', () => files.setText(doc.uri, doc.getText()), undefined);
    files.scheduleAfterChange(doc.uri, before, file);
  };
  documents.onDidOpen((e) => {
    onContent(e.document);
    if (server.helm.concerns(e.document.uri)) server.helm.trigger();
    void files.indexSiblings(e.document.uri);
  });
  // Kustomize renders from disk: saving a kustomization or one of its files renders again.
  documents.onDidSave((e) => {
    if (server.kustomize.concerns(e.document.uri)) server.kustomize.trigger();
    if (server.helm.concerns(e.document.uri)) server.helm.trigger();
  });
  documents.onDidChangeContent((e) => onContent(e.document));
  documents.onDidClose((e) => {
    // Keep the file in the workspace as it is on disk; forget it if it is not on disk.
    void files.loadFromDisk(e.document.uri).then((ok) => {
      if (!ok) {
        server.host.removeFile(e.document.uri);
        server.diagnostics.forget(e.document.uri);
      }
      server.diagnostics.schedule(e.document.uri);
    });
  });
  documents.listen(server.connection);
}
