/// <reference lib="dom" />
/**
 * The studio and the dashboard in a real browser (headless Chromium driven by puppeteer-core): a mistake
 * typed in the editor shows its diagnostic at its line, fixing it draws the plan; the dashboard of a run
 * started after the page opened shows the run and its curve growing while it trains. With
 * UPDATE_SCREENSHOTS=1 it writes docs/studio.png (with the mistake marked) and docs/dashboard.png. Skipped, with the reason, where no
 * Chromium can start.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { buildWeb } from "../src/web/build.ts";
import { serveStudio } from "../src/web/server.ts";
import { ROOT } from "./fixtures.ts";

const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"];
const CANDIDATES = [Deno.env.get("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** A Chromium that starts here, or why there is none. */
async function findChromium(): Promise<{ path: string } | { reason: string }> {
  const found = CANDIDATES.filter((p): p is string => !!p).find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
  if (!found) {
    return { reason: `no Chromium at ${CANDIDATES.filter(Boolean).join(", ")} (apt-get install chromium)` };
  }
  try {
    const browser = await puppeteer.launch({ executablePath: found, headless: true, args: ARGS });
    await browser.close();
    return { path: found };
  } catch (error) {
    return { reason: `Chromium at ${found} does not start: ${(error as Error).message.split("\n")[0]}` };
  }
}

const chromium = await findChromium();
if ("reason" in chromium) console.log(`browser tests skipped: ${chromium.reason}`);
const ignore = "reason" in chromium;
const screenshots = Deno.env.get("UPDATE_SCREENSHOTS") === "1";

/** A served directory with the tiny recipe (at `budget`), the built pages, a browser and a page. */
async function open(budget: string, path: string, setup = (_root: string) => Promise.resolve()) {
  const root = await Deno.makeTempDir({ prefix: "recipe-browser-" });
  await Deno.mkdir(join(root, "recipes"));
  await setup(root);
  const tiny = await Deno.readTextFile(join(ROOT, "tests/testdata/train/tiny.recipe"));
  await Deno.writeTextFile(join(root, "recipes/tiny.recipe"), tiny.replace("budget 40 steps", budget));
  const assets = join(root, ".dist");
  await buildWeb(assets);
  const stop = new AbortController();
  const server = serveStudio({ root, assets, port: 0, signal: stop.signal, pollMs: 150 });
  const browser: Browser = await puppeteer.launch({
    executablePath: (chromium as { path: string }).path,
    headless: true,
    args: ARGS,
  });
  const page: Page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 820 });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`http://127.0.0.1:${server.addr.port}${path}`);
  const close = async () => {
    await browser.close();
    stop.abort();
    await server.finished;
  };
  return { root, page, errors, close };
}

Deno.test({
  name: "studio: a typed mistake is marked at its line; fixed, the plan is drawn",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { page, errors, close } = await open("budget 40 steps", "/#recipes/tiny.recipe");
    try {
      await page.waitForFunction(() => document.body.dataset.firstDiagnosticMs, { timeout: 30_000 });
      const first = await page.evaluate(() => Number(document.body.dataset.firstDiagnosticMs));
      assert.match(await page.$eval("#diagnostics", (e) => e.textContent ?? ""), /No problems/);

      // Type the recipe anew, with a source misspelt on line 9.
      const text = await page.$eval("#source", (e) => (e as HTMLTextAreaElement).value);
      const lines = text.split("\n");
      const line = lines.findIndex((l) => l.trimStart().startsWith("mix news 0.5")) + 1;
      const typed = lines.map((l, i) => i + 1 === line ? l.replace("mix news", "mix newz") : l).join("\n");
      await page.click("#source");
      await page.keyboard.down("Control");
      await page.keyboard.press("a");
      await page.keyboard.up("Control");
      await page.keyboard.press("Backspace");
      await page.keyboard.sendCharacter(typed.slice(0, -40));
      await page.type("#source", typed.slice(-40));
      await page.waitForSelector(`#diagnostics li.error[data-line="${line}"]`, { timeout: 30_000 });
      assert.match(
        await page.$eval(`#diagnostics li.error[data-line="${line}"]`, (e) => e.textContent ?? ""),
        /R0011.*Unknown source "newz".*did you mean "news"/,
      );
      assert.ok(await page.$(`#highlight .line.error[data-line="${line}"]`), "the line is marked");
      const compileMs = await page.evaluate(() => Number(document.body.dataset.compileMs));
      if (screenshots) await page.screenshot({ path: join(ROOT, "docs/studio.png") });

      // Fix it: select "newz" and type "news".
      await page.$eval("#source", (e) => {
        const area = e as HTMLTextAreaElement;
        const start = area.value.indexOf("newz");
        area.setSelectionRange(start, start + 4);
      });
      await page.keyboard.type("news");
      await page.waitForFunction(() => document.body.dataset.ok === "true", { timeout: 30_000 });
      await page.waitForSelector("#chart svg path", { timeout: 30_000 });
      assert.equal(await page.$(".line.error"), null);
      assert.match(await page.$eval("#explain", (e) => e.textContent ?? ""), /tiny: 40 updates/);
      assert.match(await page.$eval("#chart", (e) => e.innerHTML), /tiny: learning rate/);
      assert.deepEqual(errors, []);
      console.log(`studio: first diagnostic ${first} ms after navigation; one compile ${compileMs} ms`);
    } finally {
      await close();
    }
  },
});

Deno.test({
  name: "dashboard: a run started after the page opened appears and its curve grows while it trains",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // A damaged run beside it: a broken metrics line, a torn last one and half a plan.
    const broken = async (root: string) => {
      await Deno.mkdir(join(root, "runs/broken"), { recursive: true });
      await Deno.writeTextFile(
        join(root, "runs/broken/metrics.jsonl"),
        '{"step":0,"loss":6}\n{oops\n{"step":1,"lo',
      );
      await Deno.writeTextFile(join(root, "runs/broken/plan.json"), '{"version":');
    };
    const { root, page, errors, close } = await open("budget 240 steps", "/dashboard", broken);
    try {
      await page.waitForFunction(() => document.body.dataset.updates, { timeout: 30_000 });
      assert.deepEqual(await page.$$eval("#runs li", (items) => items.map((e) => e.textContent)), [
        "broken update 0, loss 6.000",
      ]);
      const run = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "src/cli/main.ts", "run", join(root, "recipes/tiny.recipe")]
          .concat(["--out", join(root, "runs/tiny"), "--log-every", "2"]),
        cwd: ROOT,
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const records = () =>
        page.$eval('#runs li[data-run="tiny"]', (e) => Number((e as HTMLElement).dataset.records));
      await page.waitForSelector('#runs li[data-run="tiny"]', { timeout: 60_000 });
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>('#runs li[data-run="tiny"]')?.dataset.records) > 0,
        { timeout: 60_000, polling: 50 },
      );
      const early = await records();
      const status = await run.output();
      assert.equal(status.code, 0, new TextDecoder().decode(status.stderr));
      await page.waitForFunction(
        (n) => Number(document.querySelector<HTMLElement>('#runs li[data-run="tiny"]')?.dataset.records) >= n,
        { timeout: 30_000 },
        120,
      );
      const late = await records();
      assert.ok(early < late, `the curve grew from ${early} to ${late} records while the page watched`);
      const chart = await page.$eval("#chart", (e) => e.innerHTML);
      assert.match(chart, /training loss/);
      assert.match(chart, /held-out loss/);
      assert.match(chart, /checkpoint "pre-decay"/);
      await page.click('#runs li[data-run="tiny"] button');
      await page.waitForFunction(() =>
        /tiny: 240 updates/.test(document.getElementById("plan")!.textContent ?? "")
      );
      assert.deepEqual(errors, []);
      console.log(`dashboard: ${early} records when first seen, ${late} at the end`);
      if (screenshots) await page.screenshot({ path: join(ROOT, "docs/dashboard.png") });
    } finally {
      await close();
    }
  },
});
