/** Sources: the Brown corpus, local file globs, the held-out split and the errors before training. */
import assert from "node:assert/strict";
import type { Source } from "../src/plan/schema.ts";
import { brownDocuments, detokenizeBrown } from "../src/train/data/brown.ts";
import { expandGlob, globToRegExp } from "../src/train/data/glob.ts";
import { HELD_OUT_FRACTION, loadSource, SourceError } from "../src/train/data/source_data.ts";

const recipe = "tests/testdata/train/tiny.recipe";

function src(kind: Source["kind"], uri: string, name = "s"): Source {
  return { name, kind, uri, recipe: "tiny", origin: { file: recipe, line: 1, column: 1 } };
}

Deno.test("brown corpus", async (t) => {
  await t.step("tags are stripped and punctuation and quotes attach", () => {
    assert.equal(
      detokenizeBrown(
        "\tThe/at jury/nn said/vbd ``/`` no/at ''/'' ,/, then/rb left/vbd ./.\n\n\tIt/pps ended/vbd ./.",
      ),
      'The jury said "no", then left.\nIt ended.',
    );
  });
  await t.step("a genre reads its texts from the npm package", async () => {
    const news = await brownDocuments("brown/news");
    assert.equal(news?.length, 44);
    const text = new TextDecoder().decode(news![0].bytes);
    assert.ok(text.startsWith("The Fulton County Grand Jury said Friday"));
    assert.ok(!text.includes("/at"));
  });
  await t.step("other names are not Brown's; unknown genres list the known ones", async () => {
    assert.equal(await brownDocuments("wiki/en"), null);
    await assert.rejects(
      brownDocuments("brown/poetry"),
      /Unknown Brown corpus genre "poetry": use one of .*"brown\/news"/,
    );
  });
});

Deno.test("glob", async (t) => {
  await t.step("patterns", () => {
    assert.ok(globToRegExp("**/*.ts").test("a/b/c.ts"));
    assert.ok(globToRegExp("**/*.ts").test("c.ts"));
    assert.ok(!globToRegExp("*.ts").test("a/c.ts"));
    assert.ok(globToRegExp("f?.{md,txt}").test("f1.txt"));
    assert.ok(globToRegExp("[ab].txt").test("b.txt"));
    assert.ok(!globToRegExp("a.txt").test("abtxt"));
  });
  await t.step("expands relative to a base directory, sorted", async () => {
    const found = await expandGlob("files/**/*.txt", "tests/testdata/train");
    assert.deepEqual(found.map((p) => p.split("tests/testdata/train/")[1]), [
      "files/a.txt",
      "files/sub/b.txt",
    ]);
    assert.deepEqual(await expandGlob("../train/files/*.md", "tests/testdata/train"), [
      `${Deno.cwd()}/tests/testdata/train/files/notes.md`,
    ]);
  });
});

Deno.test("loadSource", async (t) => {
  await t.step("a corpus source is split into training bytes and a held-out tail", async () => {
    const data = await loadSource(src("corpus", "brown/news"), recipe, 132);
    const total = data.train.length + data.heldOut.length;
    assert.equal(data.heldOut.length, Math.ceil(total * HELD_OUT_FRACTION));
    assert.equal(data.documents, 44);
  });
  await t.step("the split is deterministic", async () => {
    const a = await loadSource(src("corpus", "brown/humor"), recipe, 132);
    const b = await loadSource(src("corpus", "brown/humor"), recipe, 132);
    assert.deepEqual(a.heldOut, b.heldOut);
  });
  await t.step("files are read by a glob relative to the declaring recipe's directory", async () => {
    const data = await loadSource(src("files", "files/**/*.txt"), recipe, 300);
    assert.equal(data.documents, 2);
    assert.equal(data.heldOut.length, 300, "at least minHeldOut bytes are held out");
  });
  await t.step("an unknown corpus is an error naming it and the known ones", async () => {
    await assert.rejects(
      loadSource(src("corpus", "wikipedia", "wiki"), recipe, 100),
      (e: Error) =>
        e instanceof SourceError &&
        /Source "wiki" names the unknown corpus "wikipedia": .*"brown\/news"/.test(e.message),
    );
  });
  await t.step("an empty glob is an error naming the glob and where it was read", async () => {
    await assert.rejects(
      loadSource(src("files", "nothing/*.txt", "code"), recipe, 100),
      /Source "code" matches no files: the glob "nothing\/\*.txt" is read relative to "tests\/testdata\/train"/,
    );
  });
  await t.step("a dataset source is refused with what the built-in trainer reads", async () => {
    await assert.rejects(
      loadSource(src("dataset", "hf://fineweb", "web"), recipe, 100),
      /Source "web" is a dataset \("hf:\/\/fineweb"\), which only external trainers read: .*'corpus'.*'files'/,
    );
  });
  await t.step("a source too small for the held-out split says how many bytes it needs", async () => {
    await assert.rejects(
      loadSource(src("files", "files/notes.md", "notes"), recipe, 100),
      /Source "notes" holds '28' bytes, too few .* at least '200' bytes/,
    );
  });
});
