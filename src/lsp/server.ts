/**
 * The Recipe language server: diagnostics as you type (each open document compiled in memory, imports
 * served from the open documents first), hover over a phase, an EMA or an average, go to definition, completion.
 * @module
 */
import {
  type CompletionItem,
  type Connection,
  type Hover,
  type Location,
  TextDocuments,
  TextDocumentSyncKind,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Program } from "../check/load.ts";
import { analyse, type Analysis, documentKey, readOpenFirst } from "./analysis.ts";
import { pathToUri, spanLocation, toLspDiagnostic, uriToPath } from "./convert.ts";
import { groupHover, phaseHover } from "./hover.ts";
import { weightsHover } from "./weights_hover.ts";
import { definitionAt } from "./definition.ts";
import { completionItems } from "./completion.ts";

/** How long the server waits after a change before compiling (further changes restart the wait). */
const DEBOUNCE_MS = 50;

/** The open documents and their analyses, one per version. */
class Workspace {
  readonly documents = new TextDocuments(TextDocument);
  readonly #analyses = new Map<string, { version: number; analysis: Promise<Analysis> }>();
  /** The last program of each document that parsed, for completion while the text has syntax errors. */
  readonly #lastParsed = new Map<string, Program>();

  analysis(document: TextDocument): Promise<Analysis> {
    const cached = this.#analyses.get(document.uri);
    if (cached?.version === document.version) return cached.analysis;
    const open = new Map(this.documents.all().map((d) => [documentKey(uriToPath(d.uri)), d.getText()]));
    const analysis = analyse(uriToPath(document.uri), readOpenFirst(open)).then((a) => {
      if (a.program.entry) this.#lastParsed.set(document.uri, a.program);
      return a;
    });
    this.#analyses.set(document.uri, { version: document.version, analysis });
    return analysis;
  }

  lastParsed(uri: string): Program | null {
    return this.#lastParsed.get(uri) ?? null;
  }

  forget(uri: string): void {
    this.#analyses.delete(uri);
    this.#lastParsed.delete(uri);
  }
}

async function publish(connection: Connection, workspace: Workspace, document: TextDocument): Promise<void> {
  const analysis = await workspace.analysis(document);
  if (workspace.documents.get(document.uri)?.version !== document.version) return; // a newer text is coming
  const own = analysis.result.diagnostics.filter((d) => documentKey(d.file) === analysis.path);
  await connection.sendDiagnostics({
    uri: document.uri,
    version: document.version,
    diagnostics: own.map(toLspDiagnostic),
  });
}

/** Compiles every open document again (a change in one can change what another imports) after a pause. */
function revalidateOnChange(connection: Connection, workspace: Workspace): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    for (const document of workspace.documents.all()) {
      publish(connection, workspace, document).catch((error) =>
        connection.console.error(`recipe: compiling ${document.uri} failed: ${error?.stack ?? error}`)
      );
    }
  };
  workspace.documents.onDidChangeContent(() => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  workspace.documents.onDidClose(({ document }) => {
    workspace.forget(document.uri);
    connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });
}

function answerRequests(connection: Connection, workspace: Workspace): void {
  const at = async (uri: string) => {
    const document = workspace.documents.get(uri);
    return document ? { document, analysis: await workspace.analysis(document) } : null;
  };
  connection.onHover(async ({ textDocument, position }): Promise<Hover | null> => {
    const found = await at(textDocument.uri);
    const offset = found?.document.offsetAt(position) ?? 0;
    const value = found &&
      (phaseHover(found.analysis, offset) ?? weightsHover(found.analysis, offset) ??
        groupHover(found.analysis, offset));
    return value ? { contents: { kind: "markdown", value } } : null;
  });
  connection.onDefinition(async ({ textDocument, position }): Promise<Location | null> => {
    const found = await at(textDocument.uri);
    const definition = found && definitionAt(found.analysis, found.document.offsetAt(position));
    if (!definition) return null;
    if ("path" in definition) {
      const start = { line: 0, character: 0 };
      return { uri: pathToUri(definition.path), range: { start, end: start } };
    }
    return spanLocation(definition.file.source, definition.span);
  });
  connection.onCompletion(async ({ textDocument }): Promise<CompletionItem[]> => {
    const found = await at(textDocument.uri);
    return completionItems(
      found?.analysis.program.entry ? found.analysis.program : workspace.lastParsed(textDocument.uri),
    );
  });
}

/**
 * Serves the Recipe language on `connection` (not yet listening: call `connection.listen()`).
 *
 * @example
 * ```ts
 * import { createConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node";
 * import { PassThrough } from "node:stream";
 * import { serve } from "./server.ts";
 * const connection = createConnection(new StreamMessageReader(new PassThrough()), new StreamMessageWriter(new PassThrough()));
 * serve(connection);
 * connection.dispose();
 * ```
 */
export function serve(connection: Connection): void {
  const workspace = new Workspace();
  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: ['"'] },
    },
    serverInfo: { name: "recipe" },
  }));
  revalidateOnChange(connection, workspace);
  answerRequests(connection, workspace);
  workspace.documents.listen(connection);
}
