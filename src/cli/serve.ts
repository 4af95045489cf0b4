/**
 * `recipe serve [DIR] [--port N]`: the web studio and run dashboard on 127.0.0.1.
 * @module
 */
import { fileURLToPath } from "node:url";
import { InputError } from "../diagnostics/input_error.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseCommandArgs } from "./args.ts";
import { serveStudio } from "../web/server.ts";

/** The built pages and scripts (`deno task build`). */
const ASSETS = fileURLToPath(new URL("../../dist/", import.meta.url));

function parsePort(value: string | undefined): number {
  if (value === undefined) return 8000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be 0 to 65535, not "${value}"`);
  return port;
}

async function checkDirectory(dir: string): Promise<void> {
  const info = await Deno.stat(dir).catch(() => null);
  if (!info?.isDirectory) throw new InputError(`"${dir}" is not a directory`);
  if (!(await Deno.stat(`${ASSETS}index.html`).catch(() => null))) {
    throw new InputError(`The studio is not built (no ${ASSETS}index.html); run \`deno task build\``);
  }
}

/** `serve`: runs until interrupted. */
export const command: Command = {
  name: "serve",
  help: `Usage: deno task serve [DIR] [--port N]

Serves the web studio and the run dashboard on http://127.0.0.1:N/ (default
8000; 0 picks a free port) over DIR (default: the current directory): its
.recipe files in the studio (editor with live diagnostics, charts, explain
table, downloads of every target) and the runs under DIR/runs in the dashboard,
updated live while \`deno task run\` trains. Only files under DIR are served.
\`deno task serve\` builds the pages first (\`deno task build\`).

Options:
  --port N     the port (default 8000)
  -h, --help   show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { port: { type: "string" } });
    if (positionals.length > 1) throw new UsageError(`Expected one directory, got ${positionals.length}`);
    const root = positionals[0] ?? ".";
    const port = parsePort(values.port);
    await checkDirectory(root);
    const server = serveStudio({
      root,
      assets: ASSETS,
      port,
      onListen: (url) => console.log(`Recipe studio: ${url}  (runs: ${url}dashboard), serving ${root}`),
    });
    await server.finished;
    return EXIT.ok;
  },
};
