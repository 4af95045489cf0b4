import assert from "node:assert/strict";
import { shapeValue } from "../src/plan/shape_value.ts";
import type { Shape } from "../src/plan/schema.ts";

Deno.test("shapes start at from and approach to", async (t) => {
  await t.step("linear", () => {
    assert.equal(shapeValue({ shape: "linear", from: 0, to: 1 }, 0, 4, 0), 0);
    assert.equal(shapeValue({ shape: "linear", from: 0, to: 1 }, 3, 4, 0), 0.75);
    assert.equal(shapeValue({ shape: "linear", from: 0, to: 1 }, 3, 4, 1), 1);
  });
  await t.step("step", () => {
    const s: Shape = { shape: "step", values: [1, 0.1, 0.01], boundaries: [3, 6] };
    assert.deepEqual([0, 2, 3, 5, 6, 9].map((i) => shapeValue(s, i, 10, 0)), [1, 1, 0.1, 0.1, 0.01, 0.01]);
  });
});
