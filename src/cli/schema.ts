/**
 * `recipe schema`: the plan's JSON Schema.
 * @module
 */
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseCommandArgs } from "./args.ts";
import { planJsonSchema } from "../plan/json_schema.ts";

/** `schema`: prints the JSON Schema generated from the zod schema. */
export const command: Command = {
  name: "schema",
  help: `Usage: deno task schema

Prints the JSON Schema (draft 2020-12) of the plan format, generated from the
zod schema in src/plan/schema.ts.`,
  run(args) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
    console.log(JSON.stringify(planJsonSchema(), null, 2));
    return Promise.resolve(EXIT.ok);
  },
};
