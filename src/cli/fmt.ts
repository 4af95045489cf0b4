/**
 * `recipe fmt FILE... [--check]`: rewrites recipe files in the canonical layout (src/format).
 * @module
 */
import { join } from "node:path";
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseCommandArgs } from "./args.ts";
import { FormatError, formatRecipe } from "../format/format_recipe.ts";
import { formatDiagnostics } from "../diagnostics/diagnostic.ts";
import { readFromDisk } from "../check/load.ts";

/** The files of `paths`: a directory stands for the `.recipe` files under it. */
async function recipeFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (!(await Deno.stat(path)).isDirectory) {
      files.push(path);
      continue;
    }
    const entries = [...Deno.readDirSync(path)].sort((a, b) => (a.name < b.name ? -1 : 1));
    const inside = entries.filter((e) => e.isDirectory || (e.isFile && e.name.endsWith(".recipe")));
    files.push(...await recipeFiles(inside.map((e) => join(path, e.name))));
  }
  return files;
}

/** `fmt`: exit 0 when every file is (now) formatted, 1 when one has syntax errors or, with --check, would change. */
export const command: Command = {
  name: "fmt",
  help: `Usage: deno task fmt-recipe FILE... [--check]

Rewrites each recipe FILE (a directory: every .recipe file under it) in the canonical layout:
two-space indentation, one statement per line, one space around operators, the optimizer and
model settings on one line; comments, single blank lines and the line endings are kept.

Options:
  --check          change nothing; name the files that would change and exit 1 if any would
  -h, --help       show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { check: { type: "boolean" } });
    if (!positionals.length) throw new UsageError("Expected one or more recipe files");
    let failed = false;
    const changed: string[] = [];
    for (const file of await recipeFiles(positionals)) {
      const text = await readFromDisk(file);
      let formatted: string;
      try {
        formatted = formatRecipe(text, file);
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        console.error(`error: ${error.message}\n${formatDiagnostics(error.diagnostics)}`);
        failed = true;
        continue;
      }
      if (formatted === text) continue;
      changed.push(file);
      if (!values.check) await Deno.writeTextFile(file, formatted);
    }
    if (values.check) {
      for (const file of changed) console.log(file);
      if (changed.length) console.error(`${changed.length} file(s) not formatted; run deno task fmt-recipe`);
    } else for (const file of changed) console.log(`formatted ${file}`);
    return failed || (values.check && changed.length) ? EXIT.errors : EXIT.ok;
  },
};
