/**
 * The studio server without a browser: it binds 127.0.0.1, serves only files under its directory (`..`,
 * encoded, absolute, hidden and symlinked escapes refused), lists recipes and runs (a half-written run and a
 * broken metrics line included), and streams the run list as server-sent events.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { serveStudio, studioHandler } from "../src/web/server.ts";
import { pathUnder } from "../src/web/safe_path.ts";
import { parseMetricsText } from "../src/train/metrics_text.ts";

/** A served directory: a recipe, a finished-looking run with a torn last line, and a run just starting. */
async function servedDir(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "recipe-serve-" });
  await Deno.mkdir(join(root, "recipes"));
  await Deno.copyFile("tests/testdata/train/tiny.recipe", join(root, "recipes/tiny.recipe"));
  await Deno.mkdir(join(root, "runs/a"), { recursive: true });
  await Deno.mkdir(join(root, "runs/starting"), { recursive: true });
  await Deno.writeTextFile(
    join(root, "runs/a/metrics.jsonl"),
    '{"step":0,"loss":5.5,"lr":0.001}\nnot json\n{"step":1,"loss":5.1,"lr":0.002}\n{"step":2,"lo',
  );
  await Deno.writeTextFile(join(root, "runs/a/plan.json"), "{ half a plan");
  await Deno.writeTextFile(join(root, "secret.txt"), "outside");
  await Deno.mkdir(join(root, "sub"));
  await Deno.symlink("/etc", join(root, "sub/etc"));
  return root;
}

/** The status line of a GET of `path` sent as written, without a client's normalisation. */
async function rawGet(port: number, path: string): Promise<string> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  await connection.write(
    new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
  );
  const buffer = new Uint8Array(4096);
  const n = await connection.read(buffer);
  connection.close();
  return new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split("\r\n")[0];
}

Deno.test("the server serves files under its directory only, and binds 127.0.0.1", async () => {
  const root = await servedDir();
  const stop = new AbortController();
  const server = serveStudio({ root: join(root, "recipes"), assets: "dist", port: 0, signal: stop.signal });
  try {
    assert.equal(server.addr.hostname, "127.0.0.1");
    const base = `http://127.0.0.1:${server.addr.port}`;
    const status = async (path: string) => {
      const response = await fetch(base + path);
      await response.body?.cancel();
      return response.status;
    };
    assert.equal(await status("/files/tiny.recipe"), 200);
    for (
      const escape of [
        "/files/../secret.txt",
        "/files/..%2fsecret.txt",
        "/files/%2e%2e/secret.txt",
        "/files/%2E%2E%2Fsecret.txt",
        "/files/..%5csecret.txt",
        "/files/%252e%252e/secret.txt",
      ]
    ) {
      assert.ok([403, 404].includes(await status(escape)), escape);
    }
    // fetch() normalises a plain "../" away before sending; a raw request keeps it.
    for (
      const path of ["/files/../secret.txt", "/files/../../../etc/passwd", "/files/a/..%2f..%2fsecret.txt"]
    ) {
      assert.match(await rawGet(server.addr.port, path), /^HTTP\/1\.1 40[34]/, path);
    }
    for (
      const absolute of ["/files//etc/passwd", "/files/%2Fetc%2Fpasswd", `/files/${encodeURIComponent(root)}`]
    ) {
      assert.equal(await status(absolute), 404, absolute); // taken as relative to the served directory
    }
  } finally {
    stop.abort();
    await server.finished;
  }
});

Deno.test("raw paths that climb out are refused before URL normalisation, symlinks out and dot files too", async () => {
  const root = await servedDir();
  const handle = studioHandler({ root, assets: "dist" });
  const get = async (path: string) => {
    const response = await handle(new Request(`http://127.0.0.1${path}`));
    await response.body?.cancel();
    return response.status;
  };
  assert.equal(pathUnder(root, "../secret.txt"), null);
  assert.equal(pathUnder(root, "a/../../secret.txt"), null);
  assert.equal(pathUnder(root, "%00"), null);
  assert.equal(pathUnder(root, "%E0%A4%A"), null); // malformed percent-encoding
  assert.equal(await get("/files/secret.txt"), 200);
  assert.equal(await get("/files/sub/etc/passwd"), 404); // a symlink that leads outside
  assert.equal(await get("/files/.git/config"), 403);
  assert.equal(await get("/nothing"), 404);
  const post = await handle(new Request("http://127.0.0.1/api/runs", { method: "POST" }));
  await post.body?.cancel();
  assert.equal(post.status, 405);
});

Deno.test("recipes and runs are listed; a half-written run and a broken metrics line are data, not errors", async () => {
  const root = await servedDir();
  const handle = studioHandler({ root, assets: "dist", pollMs: 20 });
  const json = async (path: string) => await (await handle(new Request(`http://127.0.0.1${path}`))).json();
  assert.deepEqual(await json("/api/recipes"), ["recipes/tiny.recipe"]);
  const runs = await json("/api/runs");
  assert.deepEqual(runs.map((r: { name: string }) => r.name), ["a", "starting"]);
  assert.equal(runs[1].size, 0);
  assert.equal(runs[0].plan, true);
  const text = await (await handle(new Request("http://127.0.0.1/files/runs/a/metrics.jsonl"))).text();
  assert.deepEqual(parseMetricsText(text).map((r) => r.step), [0, 1]);

  const events = await handle(new Request("http://127.0.0.1/api/events"));
  assert.equal(events.headers.get("content-type"), "text/event-stream");
  const reader = events.body!.getReader();
  const next = async () => new TextDecoder().decode((await reader.read()).value);
  assert.match(await next(), /^data: \[\{"name":"a"/);
  await Deno.writeTextFile(join(root, "runs/starting/metrics.jsonl"), '{"step":0,"loss":6}\n');
  assert.match(await next(), /"name":"starting","size":20/);
  await reader.cancel();
});
