/**
 * `deno task lsp`: the Recipe language server on stdin and stdout (LSP with Content-Length framing). An
 * editor starts it as `deno run --allow-read --allow-env src/lsp/main.ts` in the repository.
 * @module
 */
import process from "node:process";
import { createConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node";
import { serve } from "./server.ts";

if (import.meta.main) {
  const connection = createConnection(
    new StreamMessageReader(process.stdin),
    new StreamMessageWriter(process.stdout),
  );
  serve(connection);
  connection.listen();
}
