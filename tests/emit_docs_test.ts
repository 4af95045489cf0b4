/** docs/targets.md is generated from the emitters by scripts/targets_table.ts: it must be up to date. */
import assert from "node:assert/strict";
import { targetsTable } from "../scripts/targets_table.ts";

Deno.test("docs/targets.md is up to date (regenerate with `deno task targets-doc`)", async () => {
  const committed = await Deno.readTextFile(new URL("../docs/targets.md", import.meta.url));
  assert.equal(committed, targetsTable(), "docs/targets.md is stale: run `deno task targets-doc`");
});
