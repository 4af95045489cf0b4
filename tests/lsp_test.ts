import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { analyse } from "../src/lsp/analysis.ts";
import { weightsHover } from "../src/lsp/weights_hover.ts";
import { completionItems } from "../src/lsp/completion.ts";

/** Params and results, whose shape the assertions check. */
// deno-lint-ignore no-explicit-any -- the test asserts the shape of what the server sends
type Json = any;
/** A JSON-RPC message as the test reads it. */
type Message = { id?: number; method?: string; params?: Json; result?: Json; error?: unknown };

/** The language server as a child process, spoken to with Content-Length framed messages. */
class Server {
  readonly #process: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = new Uint8Array(0);
  #nextId = 1;
  /** Messages read but not yet asked for. */
  readonly #pending: Message[] = [];

  constructor() {
    this.#process = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", "src/lsp/main.ts"],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#process.stdin.getWriter();
    this.#reader = this.#process.stdout.getReader();
  }

  async send(message: Record<string, unknown>): Promise<void> {
    const body = new TextEncoder().encode(JSON.stringify({ jsonrpc: "2.0", ...message }));
    await this.#writer.write(new TextEncoder().encode(`Content-Length: ${body.length}\r\n\r\n`));
    await this.#writer.write(body);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.send({ method, params });
  }

  async request(method: string, params: unknown): Promise<Json> {
    const id = this.#nextId++;
    await this.send({ id, method, params });
    const reply = await this.next((m) => m.id === id && m.method === undefined);
    assert.equal(reply.error, undefined, JSON.stringify(reply.error));
    return reply.result;
  }

  /** The next message that `wanted` accepts (others stay pending); fails after 30 seconds. */
  async next(wanted: (m: Message) => boolean): Promise<Message> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const index = this.#pending.findIndex(wanted);
      if (index >= 0) return this.#pending.splice(index, 1)[0];
      assert.ok(Date.now() < deadline, "no such message from the server within 30 s");
      this.#pending.push(await this.#read());
    }
  }

  async #read(): Promise<Message> {
    for (;;) {
      const text = new TextDecoder().decode(this.#buffer);
      const headerEnd = text.indexOf("\r\n\r\n");
      if (headerEnd >= 0) {
        const length = Number(/Content-Length: (\d+)/i.exec(text.slice(0, headerEnd))![1]);
        const start = new TextEncoder().encode(text.slice(0, headerEnd + 4)).length;
        if (this.#buffer.length >= start + length) {
          const body = this.#buffer.slice(start, start + length);
          this.#buffer = this.#buffer.slice(start + length);
          return JSON.parse(new TextDecoder().decode(body));
        }
      }
      const { value, done } = await this.#reader.read();
      assert.ok(!done, "the server closed its output");
      const joined = new Uint8Array(this.#buffer.length + value.length);
      joined.set(this.#buffer);
      joined.set(value, this.#buffer.length);
      this.#buffer = joined;
    }
  }

  diagnostics(uri: string, version: number): Promise<Message> {
    return this.next((m) =>
      m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.version === version
    );
  }

  async close(): Promise<void> {
    await this.request("shutdown", null);
    await this.notify("exit", null);
    await this.#writer.close().catch(() => {});
    await this.#reader.cancel();
    const status = await this.#process.status;
    assert.equal(status.code, 0);
  }
}

const BROKEN = `recipe "r" {
  budget 1000 steps
  batch 8 x 64
  optimizer adamw { lr 1e-3 }
  data {
    news = corpus "brown/news"
    mix newz 1
  }
  schedule {
    warmup 10%
    decay rest cosine to 0.1x
  }
}
`;

Deno.test("the language server over stdio: diagnostics as you type, hover, definition, completion", async () => {
  const server = new Server();
  const path = join(Deno.cwd(), "recipes", "lsp-test.recipe"); // never written: served from memory
  const uri = pathToFileURL(path).href;
  try {
    const init = await server.request("initialize", { processId: null, rootUri: null, capabilities: {} });
    assert.equal(init.capabilities.hoverProvider, true);
    await server.notify("initialized", {});
    await server.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "recipe", version: 1, text: BROKEN },
    });
    const published = await server.diagnostics(uri, 1);
    assert.equal(published.params.diagnostics.length, 1);
    const [problem] = published.params.diagnostics;
    assert.equal(problem.code, "R0011");
    assert.equal(problem.severity, 1);
    assert.match(problem.message, /Unknown source "newz"[\s\S]*did you mean "news"/);
    assert.deepEqual(problem.range, { start: { line: 6, character: 8 }, end: { line: 6, character: 12 } });

    // Fix the typo with an incremental change: the diagnostics clear.
    await server.notify("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: problem.range, text: "news" }],
    });
    assert.deepEqual((await server.diagnostics(uri, 2)).params.diagnostics, []);

    const hover = await server.request("textDocument/hover", {
      textDocument: { uri },
      position: { line: 10, character: 6 },
    });
    assert.equal(hover.contents.kind, "markdown");
    assert.match(hover.contents.value, /\*\*decay\*\* \(r\): updates 100\.\.1000 \(900\)/);
    assert.match(hover.contents.value, /LR 0\.001 -> 0\.0001\d* \(cosine 0\.001 -> 0\.0001\)/);

    const definition = await server.request("textDocument/definition", {
      textDocument: { uri },
      position: { line: 6, character: 9 },
    });
    assert.deepEqual(definition, {
      uri,
      range: { start: { line: 5, character: 4 }, end: { line: 5, character: 8 } },
    });

    const completion = await server.request("textDocument/completion", {
      textDocument: { uri },
      position: { line: 10, character: 22 },
    });
    const labels = completion.map((item: { label: string }) => item.label);
    for (const label of ["cosine", "1-sqrt", "warmup", "tokens", "news", '"r"', "matrices", "beta2", "ema"]) {
      assert.ok(labels.includes(label), label);
    }
  } finally {
    await server.close();
  }
});

Deno.test("the language server resolves definitions across imports, and keeps completing while the text has a syntax error", async () => {
  const server = new Server();
  const path = join(Deno.cwd(), "recipes", "lsp-import-test.recipe");
  const uri = pathToFileURL(path).href;
  const text =
    'import "wsd.recipe"\nrecipe "child" from "wsd-small" at "pre-cooldown" {\n  budget 10K tokens\n' +
    "  data {\n    mix news 1\n  }\n  schedule {\n    decay rest\n  }\n}\n";
  try {
    await server.request("initialize", { processId: null, rootUri: null, capabilities: {} });
    await server.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "recipe", version: 1, text },
    });
    assert.deepEqual((await server.diagnostics(uri, 1)).params.diagnostics, []);
    const wsd = pathToFileURL(join(Deno.cwd(), "recipes", "wsd.recipe")).href;
    const at = async (line: number, character: number) =>
      await server.request("textDocument/definition", {
        textDocument: { uri },
        position: { line, character },
      });
    assert.deepEqual(await at(1, 25), {
      uri: wsd,
      range: { start: { line: 2, character: 7 }, end: { line: 2, character: 18 } },
    });
    const checkpoint = await at(1, 40);
    assert.equal(checkpoint.uri, wsd);
    assert.equal(checkpoint.range.start.line, 20); // checkpoint at start "pre-cooldown"
    assert.equal((await at(4, 9)).range.start.line, 9); // news = corpus "brown/news" in wsd.recipe
    assert.deepEqual(await at(0, 10), {
      uri: wsd,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    });

    await server.notify("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: text.replace("decay rest\n  }\n}", "decay rest\n  }") }],
    });
    const unclosed = (await server.diagnostics(uri, 2)).params.diagnostics;
    assert.equal(unclosed[0].code, "R0001");
    assert.equal(unclosed[0].relatedInformation[0].message, "this `{` is never closed");
    const completion = await server.request("textDocument/completion", {
      textDocument: { uri },
      position: { line: 0, character: 0 },
    });
    assert.ok(completion.some((item: { label: string }) => item.label === '"pre-cooldown"'));
  } finally {
    await server.close();
  }
});

Deno.test("hover over an ema or average statement says what it resolved to; completion offers their names", async () => {
  const analysis = await analyse("recipes/ema.recipe", (p) => Deno.readTextFile(p));
  const text = analysis.source.text;
  assert.match(weightsHover(analysis, text.indexOf('ema "ema"'))!, /\*\*ema "ema"\*\* \(ema\): decay 0\.99/);
  assert.match(
    weightsHover(analysis, text.indexOf("last 3"))!,
    /mean of c-700, c-800, c-900, after update 900/,
  );
  assert.equal(weightsHover(analysis, text.indexOf("budget")), null);
  const labels = completionItems(analysis.program).map((i) => i.label);
  for (const label of ['"ema"', '"lawa"', "ema", "last"]) assert.ok(labels.includes(label), label);
});
