/** The literal writers every emitter uses for numbers, strings, shell words and file names. */
import assert from "node:assert/strict";
import { parse as parseToml } from "smol-toml";
import YAML from "yaml";
import { csvField, fileStem, floatLiteral, moduleStem, quoted, shellWord } from "../src/emit/_literals.ts";

Deno.test("floatLiteral is exact and always reads as a float (a dot, a signed exponent)", () => {
  for (
    const [x, text] of [[3, "3.0"], [0, "0.0"], [0.1, "0.1"], [1e-7, "1.0e-7"], [2.5e-5, "0.000025"], [
      2.5e-7,
      "2.5e-7",
    ], [
      1e21,
      "1.0e+21",
    ]] as const
  ) {
    assert.equal(floatLiteral(x), text);
    assert.equal(Number(floatLiteral(x)), x);
    assert.equal(YAML.parse(`x: ${floatLiteral(x)}`, { version: "1.1" }).x, x);
    assert.equal(parseToml(`x = ${floatLiteral(x)}`).x, x);
  }
  assert.throws(() => floatLiteral(NaN), RangeError);
});

Deno.test("quoted strings read back unchanged in TOML, YAML and JSON", () => {
  for (
    const text of [
      'a"b',
      "c\\d",
      "line\nbreak\r\n",
      "tab\t",
      "del\u007f",
      "c1\u0085",
      "nul\0",
      "emoji \u{1F600}",
    ]
  ) {
    assert.equal(parseToml(`x = ${quoted(text)}`).x, text);
    assert.equal(YAML.parse(`x: ${quoted(text)}`).x, text);
    assert.equal(JSON.parse(quoted(text)), text);
  }
  assert.throws(() => quoted("lone \ud800"), /unpaired surrogate/);
});

Deno.test("shellWord quotes anything a shell would interpret", () => {
  assert.equal(shellWord("/data/web_text_document"), "/data/web_text_document");
  assert.equal(shellWord("$(rm -rf /)"), "'$(rm -rf /)'");
  assert.equal(shellWord("it's"), "'it'\\''s'");
  assert.equal(shellWord(""), "''");
  assert.throws(() => shellWord("a\0b"), /NUL/);
});

Deno.test("csvField, fileStem and moduleStem keep names inside their field, file and identifier", () => {
  assert.equal(csvField('a,"b"'), '"a,""b"""');
  assert.equal(csvField("plain"), "plain");
  assert.equal(fileStem("../../etc/passwd"), "etc_passwd");
  assert.equal(fileStem("..."), "plan");
  assert.equal(moduleStem("wsd-small"), "wsd_small");
  assert.equal(moduleStem("3-phase"), "plan_3_phase");
});

Deno.test("csvField puts a single quote before text a spreadsheet would run as a formula (OWASP)", () => {
  for (const text of ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\uff1dcmd"]) {
    assert.equal(csvField(text), `'${text}`);
  }
  assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvField("\r=1"), `"'\r=1"`);
  assert.equal(csvField("a=b-c"), "a=b-c");
  assert.equal(csvField("news"), "news");
});
