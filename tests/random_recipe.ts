/**
 * Random but valid recipes, reproducible from a seed: the property tests, the emitter tests over generated
 * recipes and `deno task conformance` draw from the same generator.
 * @module
 */
import { Random } from "../src/fuzz/random.ts";

/** Uniform numbers in [0, 1) from a seed (the fuzzer's mulberry32). */
export function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

const SHAPES = ["linear", "cosine", "1-sqrt", "exponential", "rex", "polynomial power 2", "constant"];

/**
 * A random but valid recipe: random budget unit, phases in %, until, steps or tokens, one `rest`.
 *
 * @example
 * ```ts
 * import { randomRecipe } from "./random_recipe.ts";
 * console.assert(randomRecipe(7).text.startsWith('recipe "random-7"'));
 * ```
 */
export function randomRecipe(seed: number): { text: string; explicitFrom: boolean[] } {
  const r = random(seed);
  const pick = <T>(items: T[]) => items[Math.floor(r() * items.length)];
  const sequences = pick([4, 8, 16, 32]);
  const context = pick([64, 128, 256]);
  const unit = pick(["steps", "tokens", "samples"]);
  const steps = 500 + Math.floor(r() * 20000);
  const budget = unit === "steps"
    ? steps
    : unit === "samples"
    ? steps * sequences
    : steps * sequences * context;
  const count = 1 + Math.floor(r() * 5);
  const restAt = Math.floor(r() * count);
  const explicitFrom: boolean[] = [];
  let used = 0; // percent of the budget used by the phases before the rest
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const keyword = i === 0 && r() < 0.5 ? "warmup" : pick(["stable", "decay", 'phase "p"', "rewarm"]);
    let duration: string;
    if (i === restAt) duration = "rest";
    else {
      const share = 2 + r() * (60 / count); // percent
      used += share;
      const form = i < restAt ? pick(["%", "until", "steps", "tokens"]) : pick(["%", "steps", "tokens"]);
      if (form === "%") duration = `${share.toFixed(3)}%`;
      else if (form === "until") duration = `until ${used.toFixed(3)}%`;
      else if (form === "steps") duration = `${Math.max(1, Math.round((share / 100) * steps))} steps`;
      else duration = `${Math.max(1, Math.round((share / 100) * steps)) * sequences * context} tokens`;
      if (form === "until") used = Number(used.toFixed(3));
    }
    const rising = keyword === "warmup" || keyword === "rewarm"; // may start at 0: no exponential, no constant
    const shape = keyword === "stable"
      ? ""
      : pick(rising ? SHAPES.filter((s) => s !== "exponential" && s !== "constant") : SHAPES);
    const from = shape && shape !== "constant" && r() < 0.3 ? ` from ${(0.1 + r()).toFixed(2)}x` : "";
    const to = shape && shape !== "constant" ? ` to ${(0.01 + r() * 0.5).toFixed(3)}x` : "";
    explicitFrom.push(from !== "" || keyword === "warmup" || keyword === "rewarm");
    const mix = r() < 0.5 ? ` { mix a ${r().toFixed(2)}, b ${(0.01 + r()).toFixed(2)} normalised }` : "";
    lines.push(
      `    ${keyword} ${duration} ${shape}${from}${to}${r() < 0.2 && shape ? " inclusive" : ""}${mix}`,
    );
  }
  const text = `recipe "random-${seed}" {
  budget ${budget} ${unit}
  batch ${sequences} x ${context}
  optimizer adamw { lr 1e-3 }
  data {
    a = corpus "brown/news"
    b = corpus "brown/fiction"
    mix a 0.7, b 0.3
  }
  schedule {
${lines.join("\n")}
  }
}
`;
  return { text, explicitFrom };
}

const DECAYS = ["linear", "cosine", "1-sqrt", "exponential", "polynomial power 2", "rex", "inverse-sqrt"];

/**
 * A random recipe of the kinds people publish: a warmup (exclusive by default, sometimes from a floor or
 * `inclusive`), an optional stable part, a decay or cooldown to a floor (sometimes held), sometimes cycles,
 * a rewarm, named or periodic checkpoints, a weight-decay change or a mixture change in the cooldown.
 *
 * @example
 * ```ts
 * import { publishedRecipe } from "./random_recipe.ts";
 * console.assert(publishedRecipe(3).includes("schedule {"));
 * ```
 */
export function publishedRecipe(seed: number): string {
  const r = random(seed);
  const pick = <T>(items: T[]) => items[Math.floor(r() * items.length)];
  const maybe = (p: number, text: string) => (r() < p ? text : "");
  const steps = 200 + Math.floor(r() * 5000);
  const floor = pick(["0", "0.1x", "0.01x", "3e-5"]);
  const warmupFrom = pick(["", "", " from 0", " from 0.1x", " from 1e-5"]);
  const warmup = `warmup ${pick(["1%", "2%", "5%", "100 steps", "37 steps"])} linear${warmupFrom}${
    maybe(0.2, " inclusive")
  }`;
  const decay = pick(DECAYS);
  const to = decay === "inverse-sqrt"
    ? ""
    : ` to ${decay === "exponential" && floor === "0" ? "0.01x" : floor}`;
  const inclusive = decay === "inverse-sqrt" ? "" : maybe(0.25, " inclusive");
  const cooldownBody = [
    maybe(0.3, 'checkpoint at start "pre-cooldown"'),
    maybe(0.15, "mix a 0.3, b 0.7"),
    maybe(0.15, "weight_decay 0"),
  ].filter(Boolean).join("  ");
  const body = cooldownBody ? ` { ${cooldownBody} }` : "";
  let schedule: string[];
  const form = r();
  if (form < 0.15) {
    schedule = [
      warmup,
      `cycles ${2 + Math.floor(r() * 3)} over rest { decay rest cosine from 1x to ${floor} }`,
    ];
  } else if (form < 0.25) {
    schedule = [
      warmup,
      "stable until 50%",
      `decay 20% ${decay}${to}`,
      "rewarm 5% linear to 1x",
      "decay rest linear to 0",
    ];
  } else {
    const held = decay !== "inverse-sqrt" && r() < 0.2;
    const warm = decay === "inverse-sqrt" || r() < 0.85; // inverse-sqrt takes its timescale from the warmup
    schedule = [
      ...(warm ? [warmup] : []),
      ...(r() < 0.6 ? [`stable until ${pick(held ? ["50%", "70%"] : ["50%", "70%", "80%", "90%"])}`] : []),
      `decay ${held ? "15%" : "rest"} ${decay}${to}${inclusive}${body}`,
      ...(held ? ["stable rest"] : []),
    ];
  }
  return `recipe "published-${seed}" {
  budget ${steps} steps
  batch ${pick([8, 32, 256])} x ${pick([128, 1024, 4096])}
  optimizer adamw { lr ${pick(["3e-4", "1e-3", "6e-4"])}  weight_decay 0.1  clip 1.0 }
  data {
    a = dataset "data/a"
    b = dataset "data/b"
    mix a 0.7, b 0.3
  }
  schedule {
${schedule.map((line) => `    ${line}`).join("\n")}
  }
${maybe(0.2, `  checkpoint every ${pick([100, 250, 1000])} steps "periodic"\n`)}}
`;
}
