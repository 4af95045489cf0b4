/** Sources: the Brown corpus, local file globs, the held-out split and the errors before training. */
import assert from "node:assert/strict";
import type { Source } from "../src/plan/schema.ts";
import { brownDocuments, detokenizeBrown } from "../src/train/data/brown.ts";
import { expandGlob, Glob } from "../src/train/data/glob.ts";
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
    const matches = (glob: string, path: string) => new Glob(glob).matches(path);
    assert.ok(matches("**/*.ts", "a/b/c.ts"));
    assert.ok(matches("**/*.ts", "c.ts"));
    assert.ok(!matches("*.ts", "a/c.ts"));
    assert.ok(matches("f?.{md,txt}", "f1.txt"));
    assert.ok(matches("[ab].txt", "b.txt"));
    assert.ok(matches("[a-c].txt", "b.txt"));
    assert.ok(!matches("[!a-c].txt", "b.txt"));
    assert.ok(!matches("a.txt", "abtxt"));
    assert.ok(matches("a/**/b/*.txt", "a/b/x.txt"));
    assert.ok(matches("a/**/b/*.txt", "a/x/y/b/x.txt"));
    assert.ok(!matches("a/**/b/*.txt", "a/x/y/c/x.txt"));
    assert.ok(matches("{a,b/{c,d}}/*.md", "b/d/x.md"));
    assert.ok(matches("\\*.txt", "*.txt") && !matches("\\*.txt", "a.txt"));
    assert.ok(matches("/**/x", "/etc/x") && !matches("/**/x", "etc/x"));
  });
  await t.step("a pattern built to make a regex backtrack matches in linear time", () => {
    const glob = new Glob("data/*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
    const began = performance.now();
    assert.ok(!glob.matches(`data/${"a".repeat(200)}`));
    assert.ok(glob.matches(`data/${"a".repeat(200)}b`));
    assert.ok(performance.now() - began < 100, `took ${performance.now() - began} ms`);
  });
  await t.step("bad syntax is an error naming the pattern and what is wrong", () => {
    const bad: [string, RegExp][] = [
      ["[z-a].txt", /The glob "\[z-a\].txt" is not valid: the range 'z-a' in "\[z-a\]" runs backwards/],
      ["{a,b", /The glob "\{a,b" is not valid: '\{' at character 1 is never closed/],
      ["a}", /'\}' at character 2 has no '\{' before it/],
      ["[abc", /'\[' at character 1 is never closed with '\]'/],
      ["a**.ts", /'\*\*' must be a whole path segment/],
      ["dir/", /ends with '\/'/],
      ["a/**", /ends with '\*\*'/],
      ["*/../x", /'\.\.' may only come before the first wildcard/],
      ["{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}{s,t}{u,v}", /more than 1024 patterns/],
    ];
    for (const [glob, message] of bad) assert.throws(() => new Glob(glob), message, glob);
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
  await t.step("files outside the recipe's directory need allowOutside (--allow-outside)", async () => {
    const root = await Deno.makeTempDir();
    await Deno.mkdir(`${root}/recipes/sub`, { recursive: true });
    await Deno.writeTextFile(`${root}/secret.txt`, "x".repeat(400));
    const inner = `${root}/recipes/sub/r.recipe`;
    const at = (uri: string) => ({
      ...src("files", uri, "leak"),
      origin: { file: inner, line: 1, column: 1 },
    });
    for (const uri of ["../../*.txt", `${root}/*.txt`, `${root}/secret.txt`]) {
      await assert.rejects(
        loadSource(at(uri), inner, 10),
        (e: Error) =>
          e instanceof SourceError &&
          e.message.includes(`reads 1 file(s) outside "${root}/recipes/sub"`) &&
          e.message.includes(`"${root}/secret.txt"`) && e.message.includes("--allow-outside"),
        uri,
      );
      const data = await loadSource(at(uri), inner, 10, { allowOutside: true });
      assert.equal(data.documents, 1);
    }
    await Deno.remove(root, { recursive: true });
  });
  await t.step("a glob that would backtrack a regex beside a long file name returns at once", async () => {
    const root = await Deno.makeTempDir();
    await Deno.mkdir(`${root}/data`);
    await Deno.writeTextFile(`${root}/data/${"a".repeat(200)}`, "x");
    const file = `${root}/r.recipe`;
    const source = {
      ...src("files", "data/*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "s"),
      origin: { file, line: 1, column: 1 },
    };
    await assert.rejects(loadSource(source, file, 10), /matches no files/);
    await assert.rejects(
      loadSource({ ...source, uri: "data/[z-a]" }, file, 10),
      /Source "s": The glob "data\/\[z-a\]" is not valid: the range 'z-a'/,
    );
    await Deno.remove(root, { recursive: true });
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
