/**
 * An esbuild plugin that resolves npm packages from Deno's own npm cache, as pinned by deno.lock, so that the
 * bundle uses exactly the versions the tests run with and the repository needs no node_modules: every
 * package of the lock gets a link in a temporary node_modules that esbuild searches (`nodePaths`).
 * @module
 */
import type * as esbuild from "esbuild";
import { join } from "node:path";

/** Downloads what `entries` import into Deno's cache (a fresh clone has none of it yet). */
export async function cacheModules(root: string, entries: string[]): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), { args: ["cache", ...entries], cwd: root }).output();
  if (!output.success) throw new Error(`deno cache failed: ${new TextDecoder().decode(output.stderr)}`);
}

/** Where Deno keeps npm packages: `deno info --json`'s npmCache. */
async function npmCache(): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(output.stdout)).npmCache;
}

/** `name@version` keys of deno.lock's npm section as [name, version] (a peer suffix `_x@y` dropped). */
export function lockedPackages(lock: { npm?: Record<string, unknown> }): [string, string][] {
  return Object.keys(lock.npm ?? {}).map((key) => {
    const at = key.indexOf("@", 1);
    return [key.slice(0, at), key.slice(at + 1).split("_")[0]];
  });
}

/**
 * Makes a directory whose node_modules links every locked package to its copy in Deno's cache; returns the
 * node_modules path for esbuild's `nodePaths`. A package not yet in the cache is skipped (`deno install`
 * fetches them).
 */
export async function linkLockedPackages(root: string, into: string): Promise<string> {
  const lock = JSON.parse(await Deno.readTextFile(join(root, "deno.lock")));
  const cache = join(await npmCache(), "registry.npmjs.org");
  const modules = join(into, "node_modules");
  for (const [name, version] of lockedPackages(lock)) {
    const target = join(cache, name, version);
    try {
      await Deno.stat(target);
    } catch {
      continue;
    }
    const link = join(modules, name);
    await Deno.mkdir(join(link, ".."), { recursive: true });
    await Deno.symlink(target, link).catch(() => {}); // a second version of one name: the first wins
  }
  return modules;
}

/**
 * Rewrites `npm:name@version/sub` to `name/sub` (found through `nodePaths`) and swaps modules for browser
 * versions: `swaps` maps the end of a module's path (or a specifier such as `node:path`) to the file to
 * bundle instead.
 */
export function denoNpmPlugin(swaps: Record<string, string>): esbuild.Plugin {
  return {
    name: "deno-npm",
    setup(build) {
      build.onResolve({ filter: /^npm:/ }, (args) => {
        const spec = args.path.slice(4).replace(/^(@?[^@/]+(?:\/[^@/]+)?)@[^/]+/, "$1");
        return build.resolve(spec, { kind: args.kind, resolveDir: args.resolveDir });
      });
      build.onResolve(
        { filter: /^node:path$/ },
        (args) => build.resolve("pathe", { kind: args.kind, resolveDir: args.resolveDir }),
      );
      build.onResolve({ filter: /\.[jt]s$|^node:/ }, (args) => {
        const full = args.path.startsWith(".") ? join(args.resolveDir, args.path) : args.path;
        const swap = Object.keys(swaps).find((suffix) => full.endsWith(suffix));
        return swap ? { path: swaps[swap] } : undefined;
      });
    },
  };
}
