import assert from "node:assert/strict";
import { basename, join } from "node:path";
import {
  errorFixture,
  errorFixtures,
  errorsDoc,
  exampleRecipes,
  GOLDEN_DIR,
  goldenFor,
  ROOT,
} from "./fixtures.ts";
import { formatTxtar, section } from "./txtar.ts";
import { CODES } from "../src/diagnostics/codes.ts";

const regenerate = "run `deno task fixtures` and read the diff";

Deno.test("every example recipe matches its golden fixture", async (t) => {
  for (const recipe of exampleRecipes()) {
    await t.step(recipe, async () => {
      const path = join(GOLDEN_DIR, basename(recipe, ".recipe") + ".txtar");
      const expected = await Deno.readTextFile(path).catch(() => `(missing ${path})`);
      assert.equal(await goldenFor(recipe), expected, `${recipe} changed: ${regenerate}`);
      assert.match(expected, /-- plan\.json --/, `${recipe} must compile`);
    });
  }
});

Deno.test("every diagnostic fixture renders as recorded", async (t) => {
  for (const { path, archive } of errorFixtures()) {
    await t.step(basename(path), async () => {
      const code = basename(path, ".txtar");
      const updated = await errorFixture(archive);
      assert.equal(formatTxtar(updated), formatTxtar(archive), `${code} changed: ${regenerate}`);
      assert.match(
        section(archive, "diagnostics")!,
        new RegExp(`^(error|warning)\\[${code}\\]`, "m"),
        `the fixture must trigger ${code}`,
      );
    });
  }
});

Deno.test("every diagnostic code has a fixture, and docs/errors.md lists them all", async () => {
  const fixtures = new Set(errorFixtures().map(({ path }) => basename(path, ".txtar")));
  // R0024 comes from the emitters, not the compiler: tests/cli_test.ts renders it.
  const compilerCodes = Object.keys(CODES).filter((code) => code !== "R0024");
  assert.deepEqual(compilerCodes.filter((code) => !fixtures.has(code)), [], "codes without a fixture");
  assert.equal(
    await Deno.readTextFile(join(ROOT, "docs/errors.md")),
    errorsDoc(),
    `docs/errors.md is stale: ${regenerate}`,
  );
});
