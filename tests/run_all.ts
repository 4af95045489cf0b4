/**
 * `deno task test`: runs every test and every doc example (`--doc`) with Deno's runner, then prints the line
 * CI reads:
 * `N passed, N failed` (and `, N skipped` when tests were ignored). Exits 1 when any test failed.
 * @module
 */
const junitPath = await Deno.makeTempFile({ suffix: ".xml" });
const runtimeDir = await Deno.makeTempDir();
const command = new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", "--doc", "--no-check=remote", `--junit-path=${junitPath}`, ...Deno.args],
  env: { XDG_RUNTIME_DIR: Deno.env.get("XDG_RUNTIME_DIR") ?? runtimeDir, NO_COLOR: "1" },
  stdout: "inherit",
  stderr: "inherit",
});
const { code } = await command.output();
const xml = await Deno.readTextFile(junitPath).catch(() => "");
await Deno.remove(junitPath).catch(() => {});
await Deno.remove(runtimeDir, { recursive: true }).catch(() => {});

let passed = 0;
let failed = 0;
let skipped = 0;
for (const testcase of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
  const body = testcase[2] ?? "";
  if (/<failure\b|<error\b/.test(body)) failed++;
  else if (/<skipped\b/.test(body)) skipped++;
  else passed++;
}
if (code !== 0 && failed === 0) failed = 1; // the runner itself failed (type error, crash): never report green
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
Deno.exit(failed > 0 ? 1 : 0);
