/**
 * `deno task build`: bundles the compiler, emitters and charts into dist/recipe.js (ESM for browsers and
 * Node, with a source map), the studio's and dashboard's scripts (which import ./recipe.js), and writes the
 * two pages, then prints each file's size against its budget.
 * @module
 */
import * as esbuild from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheModules, denoNpmPlugin, linkLockedPackages } from "./npm_resolver.ts";
import { dashboardHtml, studioHtml } from "./pages.ts";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The size budget of each built script, in bytes (minified, before compression). */
export const BUDGETS: Record<string, number> = {
  "recipe.js": 520_000,
  "studio.js": 20_000,
  "dashboard.js": 20_000,
};

/** A built file's name, size and gzip size. */
export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** The bundles and their entry modules. */
const ENTRIES = {
  recipe: join(ROOT, "src/web/browser.ts"),
  studio: join(ROOT, "src/web/studio_page.ts"),
  dashboard: join(ROOT, "src/web/dashboard_page.ts"),
};

/** Modules the browser gets other versions of: no disk reader, pathe for node:path, zod's English only. */
const SWAPS = {
  "node:path": join(ROOT, "src/web/posix_path.ts"),
  "src/check/read_from_disk.ts": join(ROOT, "src/web/no_disk.ts"),
  "/v4/locales/index.js": join(ROOT, "src/web/zod_english.ts"),
};

function options(nodePaths: string[]): esbuild.BuildOptions {
  return {
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    legalComments: "none",
    nodePaths,
    plugins: [denoNpmPlugin(SWAPS)],
    logLevel: "error",
  };
}

/** The page scripts import the library from ./recipe.js instead of bundling it a second time. */
const libraryExternal: esbuild.Plugin = {
  name: "library-external",
  setup(build) {
    build.onResolve({ filter: /\/browser\.ts$/ }, () => ({ path: "./recipe.js", external: true }));
  },
};

/**
 * Builds everything into `outDir` (default dist/) and returns the scripts' sizes.
 *
 * @example
 * ```ts ignore
 * import { buildWeb } from "./build.ts";
 * const files = await buildWeb("/tmp/dist");
 * ```
 */
export async function buildWeb(outDir = join(ROOT, "dist")): Promise<BuiltFile[]> {
  const temp = await Deno.makeTempDir({ prefix: "recipe-build-" });
  try {
    await cacheModules(ROOT, [...Object.values(ENTRIES), ...Object.values(SWAPS)]);
    const nodePaths = [await linkLockedPackages(ROOT, temp)];
    const base = options(nodePaths);
    await esbuild.build({
      ...base,
      entryPoints: { recipe: ENTRIES.recipe },
      outdir: outDir,
    });
    await esbuild.build({
      ...base,
      platform: "browser",
      plugins: [libraryExternal, ...base.plugins!],
      entryPoints: { studio: ENTRIES.studio, dashboard: ENTRIES.dashboard },
      outdir: outDir,
    });
  } finally {
    await esbuild.stop();
    await Deno.remove(temp, { recursive: true });
  }
  await Deno.writeTextFile(join(outDir, "index.html"), studioHtml());
  await Deno.writeTextFile(join(outDir, "dashboard.html"), dashboardHtml());
  return await Promise.all(
    Object.keys(BUDGETS).map(async (name) => {
      const bytes = await Deno.readFile(join(outDir, name));
      return { name, bytes: bytes.length, gzipBytes: await gzipSize(bytes) };
    }),
  );
}

if (import.meta.main) {
  const started = performance.now();
  const files = await buildWeb(Deno.args[0]);
  let over = false;
  for (const file of files) {
    const budget = BUDGETS[file.name];
    over ||= file.bytes > budget;
    console.log(
      `dist/${file.name}: ${(file.bytes / 1024).toFixed(1)} KiB (gzip ${
        (file.gzipBytes / 1024).toFixed(1)
      } KiB),` +
        ` budget ${(budget / 1024).toFixed(0)} KiB${file.bytes > budget ? " EXCEEDED" : ""}`,
    );
  }
  console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (over) Deno.exit(1);
}
