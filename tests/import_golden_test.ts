/**
 * Golden fixtures of `import` (tests/testdata/import/*.txtar): real-world-style configs written in each
 * trainer's documented format, each with the recipe it imports to and the warnings on stderr (or the
 * one-line error of a bad config). The recipes must compile. Regenerate with
 * `deno test --allow-all tests/import_golden_test.ts -- --update` and read the diff before committing.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, importConfig } from "../src/import/mod.ts";
import { formatTxtar, parseTxtar, section } from "./txtar.ts";
import { compileFiles } from "./compile_text.ts";
import { ROOT } from "./fixtures.ts";

const DIR = join(ROOT, "tests/testdata/import");
const UPDATE = Deno.args.includes("--update");

/** What importing a fixture's input gives: the recipe and stderr, or the error. */
function outputs(file: string, text: string): { name: string; content: string }[] {
  try {
    const { recipe, warnings } = importConfig({ file, text });
    return [{ name: "recipe", content: recipe }, { name: "stderr", content: warnings.join("\n") + "\n" }];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [{ name: "error", content: `error: ${error.message}\n` }];
  }
}

for (
  const entry of [...Deno.readDirSync(DIR)].filter((e) => e.name.endsWith(".txtar")).sort((a, b) =>
    a.name.localeCompare(b.name)
  )
) {
  Deno.test(`import golden: ${entry.name}`, async () => {
    const path = join(DIR, entry.name);
    const text = await Deno.readTextFile(path);
    const archive = parseTxtar(text);
    const input = archive.files[0];
    const expected = formatTxtar({
      comment: archive.comment,
      files: [input, ...outputs(input.name, input.content)],
    });
    if (UPDATE) {
      await Deno.writeTextFile(path, expected);
      return;
    }
    assert.equal(text, expected, `${entry.name} differs (regenerate with -- --update and read the diff)`);
    const recipe = section(archive, "recipe");
    if (recipe !== undefined) {
      const result = await compileFiles({ "imported.recipe": recipe });
      assert.ok(result.ok, `the imported recipe does not compile: ${JSON.stringify(result.diagnostics[0])}`);
    } else assert.match(section(archive, "error") ?? "", /^error: \S+:\d+: /, "an error names file:line");
  });
}
