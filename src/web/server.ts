/**
 * The studio server: the built pages and scripts from dist/, the files under the served directory (and
 * nothing outside it), the list of recipes and runs, and a live event stream of the runs. Binds 127.0.0.1.
 * @module
 */
import { extname, resolve } from "node:path";
import { isInside, pathUnder } from "./safe_path.ts";
import { listRecipes } from "./recipe_index.ts";
import { listRuns, runEvents } from "./run_index.ts";

/** Where the server reads from. */
export interface StudioOptions {
  /** The directory whose recipes and runs/ the studio shows. */
  root: string;
  /** The built assets (index.html, dashboard.html, *.js): dist/ of `deno task build`. */
  assets: string;
  /** How often the event stream looks at the runs, in ms (default 500). */
  pollMs?: number;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};
const PAGES: Record<string, string> = { "/": "index.html", "/dashboard": "dashboard.html" };
const HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" };

const text = (status: number, body: string) =>
  new Response(body + "\n", { status, headers: { ...HEADERS, "content-type": "text/plain; charset=utf-8" } });
const json = (value: unknown) =>
  new Response(JSON.stringify(value), { headers: { ...HEADERS, "content-type": TYPES[".json"] } });

/** A regular file under `root` named by `urlPath` (its real path checked too, against symbolic links). */
async function serveFile(root: string, urlPath: string): Promise<Response> {
  const path = pathUnder(root, urlPath);
  if (!path) return text(403, "Forbidden: outside the served directory");
  let real: string;
  try {
    real = await Deno.realPath(path);
    if (!isInside(await Deno.realPath(root), real) || !(await Deno.stat(real)).isFile) throw new Error();
  } catch {
    return text(404, "Not found");
  }
  const body = await Deno.readFile(real);
  const type = TYPES[extname(real)] ?? "text/plain; charset=utf-8";
  return new Response(body, { headers: { ...HEADERS, "content-type": type } });
}

/**
 * The request handler of the studio (what `serveStudio` serves; tests call it directly).
 *
 * @example
 * ```ts
 * import { studioHandler } from "./server.ts";
 * const handle = studioHandler({ root: ".", assets: "dist" });
 * const response = await handle(new Request("http://127.0.0.1/files/..%2fetc%2fpasswd"));
 * console.assert(response.status === 403);
 * await response.body?.cancel();
 * ```
 */
export function studioHandler(options: StudioOptions): (request: Request) => Promise<Response> {
  const root = resolve(options.root);
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return text(405, "Method not allowed");
    // The raw path: URL parsing already removed plain "..", the encoded ones are checked by pathUnder.
    const raw = request.url.replace(/^[a-z]+:\/\/[^/]*/i, "").split(/[?#]/)[0];
    if (raw.includes("..")) return text(403, "Forbidden: outside the served directory");
    const path = new URL(request.url).pathname;
    if (PAGES[path]) return await serveFile(options.assets, PAGES[path]);
    if (path.startsWith("/assets/")) return await serveFile(options.assets, path.slice("/assets/".length));
    if (path.startsWith("/files/")) return await serveFile(root, path.slice("/files/".length));
    if (path === "/favicon.ico") return new Response(null, { status: 204 });
    if (path === "/api/recipes") return json(await listRecipes(root));
    if (path === "/api/runs") return json(await listRuns(root));
    if (path === "/api/events") {
      return new Response(runEvents(root, options.pollMs), {
        headers: { ...HEADERS, "content-type": "text/event-stream" },
      });
    }
    return text(404, "Not found");
  };
}

/**
 * Serves the studio on 127.0.0.1:`port` (0 picks a free port) until `signal` aborts.
 *
 * @example
 * ```ts
 * import { serveStudio } from "./server.ts";
 * const stop = new AbortController();
 * const server = serveStudio({ root: ".", assets: "dist", port: 0, signal: stop.signal });
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/api/recipes`);
 * console.assert((await response.json()).includes("recipes/wsd.recipe"));
 * stop.abort();
 * await server.finished;
 * ```
 */
export function serveStudio(
  options: StudioOptions & { port: number; signal?: AbortSignal; onListen?: (url: string) => void },
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: "127.0.0.1",
    port: options.port,
    signal: options.signal,
    onListen: ({ port }) => options.onListen?.(`http://127.0.0.1:${port}/`),
  }, studioHandler(options));
}
