/**
 * `deno task test`: runs every test and every doc example (`--doc`) with Deno's runner, then prints the line
 * CI reads:
 * `N passed, N failed` (and `, N skipped` when tests were ignored). Exits 1 when any test failed.
 *
 * One fault is not a failure, and is reported on a line of its own: the test process aborting (SIGABRT,
 * glibc "double free or corruption") after it wrote its complete report with every test passed. That is
 * heap corruption in process teardown, Deno 2.9's exiting threads racing the shared libraries' destructors
 * that Mesa's lavapipe loads; it happens in a few percent of runs of the GPU tests, at the commit before
 * any of this engine's kernel changes too (bench/README.md, "Aborts at exit"). Any other non-zero exit, or
 * an abort before the report is complete, counts as a failure.
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
const { code, signal } = await command.output();
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
const reportComplete = xml.trimEnd().endsWith("</testsuites>");
const abortedAtExit = signal === "SIGABRT" && reportComplete && passed > 0 && failed === 0;
if (abortedAtExit) {
  console.log(
    "note: the test process aborted at exit (SIGABRT) after reporting every test passed: the known " +
      "teardown fault of Deno 2.9 with Mesa's lavapipe (bench/README.md, 'Aborts at exit'), not a test failure",
  );
}
// The runner itself failed (type error, crash before its report): never report green.
if (code !== 0 && failed === 0 && !abortedAtExit) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
Deno.exit(failed > 0 ? 1 : 0);
