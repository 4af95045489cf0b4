/**
 * The recipe grammar as one chevrotain CstParser. Error recovery is on, so one parse reports several
 * syntax errors. grammar/README.md documents the same grammar in EBNF.
 * @module
 */
import { CstParser } from "chevrotain";
import * as t from "./tokens.ts";
import { errorMessageProvider } from "./messages.ts";

/** Thrown out of a parse that recorded `maxErrors` syntax errors, to stop it (see `RecipeParser.maxErrors`). */
export class TooManySyntaxErrors extends Error {
  constructor() {
    super("Too many syntax errors");
  }
}

/** The parser class; use the shared `parser` instance rather than constructing another. */
export class RecipeParser extends CstParser {
  /**
   * A parse stops (throwing {@link TooManySyntaxErrors}) once it has recorded this many errors: recovery
   * costs tens of microseconds per error, and nobody reads the ten-thousandth.
   */
  maxErrors = Infinity;

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion) while building the parser;
   * they are slow, so the shared instance skips them and a test runs them.
   */
  constructor(options: { validate?: boolean } = {}) {
    super(t.allTokens, {
      skipValidations: !options.validate,
      recoveryEnabled: true,
      maxLookahead: 1,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider,
    });
    this.performSelfAnalysis();
    // chevrotain records every syntax error through SAVE_ERROR (not in its public types).
    const self = this as unknown as { SAVE_ERROR(error: unknown): unknown; errors: unknown[] };
    const save = self.SAVE_ERROR.bind(this);
    self.SAVE_ERROR = (error) => {
      const saved = save(error);
      if (this.errors.length >= this.maxErrors) throw new TooManySyntaxErrors();
      return saved;
    };
  }

  file = this.RULE("file", () => {
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.importDecl) }, { ALT: () => this.SUBRULE(this.letDecl) }, {
        ALT: () => this.SUBRULE(this.recipeDecl),
      }])
    );
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(t.Import);
    this.CONSUME(t.StringLiteral);
  });

  letDecl = this.RULE("letDecl", () => {
    this.CONSUME(t.Let);
    this.CONSUME(t.Name);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expression);
  });

  recipeDecl = this.RULE("recipeDecl", () => {
    this.CONSUME(t.Recipe);
    this.CONSUME(t.StringLiteral, { LABEL: "name" });
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.From);
            this.CONSUME2(t.StringLiteral, { LABEL: "parent" });
            this.CONSUME(t.At);
            this.CONSUME3(t.StringLiteral, { LABEL: "checkpoint" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Extends);
            this.CONSUME4(t.StringLiteral, { LABEL: "base" });
          },
        },
      ])
    );
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.recipeItem));
    this.CONSUME(t.RBrace);
  });

  recipeItem = this.RULE("recipeItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.budgetStmt) },
      { ALT: () => this.SUBRULE(this.batchStmt) },
      { ALT: () => this.SUBRULE(this.optimizerBlock) },
      { ALT: () => this.SUBRULE(this.modelBlock) },
      { ALT: () => this.SUBRULE(this.dataBlock) },
      { ALT: () => this.SUBRULE(this.scheduleBlock) },
      { ALT: () => this.SUBRULE(this.checkpointStmt) },
      { ALT: () => this.SUBRULE(this.emaStmt) },
      { ALT: () => this.SUBRULE(this.branchDecl) },
    ]);
  });

  /**
   * `ema "ema" decay 0.999 start 10%`: an exponential moving average of the weights, updated after every
   * update from `start` on (0 by default), and written as the checkpoint "ema" at the end of training.
   */
  emaStmt = this.RULE("emaStmt", () => {
    this.CONSUME(t.Ema);
    this.CONSUME(t.StringLiteral, { LABEL: "name" });
    this.CONSUME(t.Decay);
    this.SUBRULE(this.expression, { LABEL: "decay" });
    this.OPTION(() => {
      this.CONSUME(t.Start);
      this.SUBRULE(this.quantity, { LABEL: "start" });
    });
  });

  /**
   * `branch "anneal" at "ckpt" { ... }`: a child recipe declared inside its parent, trained from the
   * parent's checkpoint `ckpt`; its items override what it inherits, as in `recipe "b" from "a" at "ckpt"`.
   */
  branchDecl = this.RULE("branchDecl", () => {
    this.CONSUME(t.Branch);
    this.CONSUME(t.StringLiteral, { LABEL: "name" });
    this.CONSUME(t.At);
    this.CONSUME2(t.StringLiteral, { LABEL: "checkpoint" });
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.recipeItem));
    this.CONSUME(t.RBrace);
  });

  budgetStmt = this.RULE("budgetStmt", () => {
    this.CONSUME(t.Budget);
    this.SUBRULE(this.quantity);
  });

  /** `batch 32 x 256` (sequences x context), `batch 8192 tokens`, or `batch 32` (context from the model). */
  batchStmt = this.RULE("batchStmt", () => {
    this.CONSUME(t.Batch);
    this.SUBRULE(this.expression, { LABEL: "size" });
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.Times);
            this.SUBRULE2(this.expression, { LABEL: "context" });
          },
        },
        { ALT: () => this.SUBRULE(this.unit) },
      ])
    );
  });

  optimizerBlock = this.RULE("optimizerBlock", () => {
    this.CONSUME(t.Optimizer);
    this.CONSUME(t.Adamw);
    this.CONSUME(t.LBrace);
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.optimizerSetting) }, {
        ALT: () => this.SUBRULE(this.groupDecl),
      }])
    );
    this.CONSUME(t.RBrace);
  });

  /**
   * `group "hidden" matrices { lr 0.5x }`, `group "attn" params "h.*.attn.*" { ... }`: the parameters of a
   * role (a name: embeddings, head, matrices, vectors, or params with name patterns) and their own
   * optimizer settings.
   */
  groupDecl = this.RULE("groupDecl", () => {
    this.CONSUME(t.Group);
    this.CONSUME(t.StringLiteral, { LABEL: "name" });
    this.CONSUME(t.Identifier, { LABEL: "role" });
    this.OPTION(() => {
      this.CONSUME2(t.StringLiteral, { LABEL: "pattern" });
      this.MANY(() => {
        this.CONSUME(t.Comma);
        this.CONSUME3(t.StringLiteral, { LABEL: "pattern" });
      });
    });
    this.CONSUME(t.LBrace);
    this.MANY2(() => this.SUBRULE(this.optimizerSetting));
    this.CONSUME(t.RBrace);
  });

  optimizerSetting = this.RULE("optimizerSetting", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Betas, { LABEL: "key" });
          this.SUBRULE(this.expression);
          this.SUBRULE2(this.expression);
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Clip, { LABEL: "key" });
          this.OR2([{ ALT: () => this.CONSUME(t.None) }, { ALT: () => this.SUBRULE3(this.expression) }]);
        },
      },
      {
        ALT: () => {
          this.OR3([
            { ALT: () => this.CONSUME(t.Lr, { LABEL: "key" }) },
            { ALT: () => this.CONSUME(t.Eps, { LABEL: "key" }) },
            { ALT: () => this.CONSUME(t.WeightDecay, { LABEL: "key" }) },
          ]);
          this.SUBRULE4(this.expression);
        },
      },
    ]);
  });

  modelBlock = this.RULE("modelBlock", () => {
    this.CONSUME(t.Model);
    this.CONSUME(t.Gpt);
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.modelSetting));
    this.CONSUME(t.RBrace);
  });

  modelSetting = this.RULE("modelSetting", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Layers, { LABEL: "key" }) },
      { ALT: () => this.CONSUME(t.Width, { LABEL: "key" }) },
      { ALT: () => this.CONSUME(t.Heads, { LABEL: "key" }) },
      { ALT: () => this.CONSUME(t.Context, { LABEL: "key" }) },
      { ALT: () => this.CONSUME(t.Vocab, { LABEL: "key" }) },
    ]);
    this.SUBRULE(this.expression);
  });

  dataBlock = this.RULE("dataBlock", () => {
    this.CONSUME(t.Data);
    this.CONSUME(t.LBrace);
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.sourceDecl) }, { ALT: () => this.SUBRULE(this.mixStmt) }])
    );
    this.CONSUME(t.RBrace);
  });

  sourceDecl = this.RULE("sourceDecl", () => {
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.OR([
      { ALT: () => this.CONSUME(t.Corpus, { LABEL: "kind" }) },
      { ALT: () => this.CONSUME(t.Files, { LABEL: "kind" }) },
      { ALT: () => this.CONSUME(t.Dataset, { LABEL: "kind" }) },
    ]);
    this.CONSUME(t.StringLiteral);
    this.OPTION(() => {
      this.CONSUME(t.Size);
      this.SUBRULE(this.quantity);
    });
  });

  mixStmt = this.RULE("mixStmt", () => {
    this.CONSUME(t.Mix);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Temperature);
          this.SUBRULE(this.expression);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.mixEntry);
          this.MANY(() => {
            this.CONSUME(t.Comma);
            this.SUBRULE2(this.mixEntry);
          });
          this.OPTION(() => this.CONSUME(t.Normalised));
        },
      },
    ]);
  });

  mixEntry = this.RULE("mixEntry", () => {
    this.OR([{ ALT: () => this.CONSUME(t.Identifier) }, { ALT: () => this.CONSUME(t.Replay) }]);
    this.SUBRULE(this.expression);
  });

  scheduleBlock = this.RULE("scheduleBlock", () => {
    this.CONSUME(t.Schedule);
    this.OPTION(() =>
      this.OR(t.SCHEDULED_QUANTITIES.map((quantity) => ({
        ALT: () => this.CONSUME(quantity, { LABEL: "quantity" }),
      })))
    );
    this.CONSUME(t.LBrace);
    this.MANY(() =>
      this.OR2([{ ALT: () => this.SUBRULE(this.phaseDecl) }, { ALT: () => this.SUBRULE(this.cyclesDecl) }])
    );
    this.CONSUME(t.RBrace);
  });

  cyclesDecl = this.RULE("cyclesDecl", () => {
    this.CONSUME(t.Cycles);
    this.SUBRULE(this.expression, { LABEL: "count" });
    this.OPTION(() => {
      this.CONSUME(t.Mult);
      this.SUBRULE2(this.expression, { LABEL: "mult" });
    });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Period);
          this.SUBRULE(this.quantity);
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Over);
          this.SUBRULE(this.duration);
        },
      },
    ]);
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.phaseDecl));
    this.CONSUME(t.RBrace);
  });

  phaseDecl = this.RULE("phaseDecl", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Warmup, { LABEL: "kind" }) },
      { ALT: () => this.CONSUME(t.Stable, { LABEL: "kind" }) },
      { ALT: () => this.CONSUME(t.Decay, { LABEL: "kind" }) },
      { ALT: () => this.CONSUME(t.Cooldown, { LABEL: "kind" }) },
      { ALT: () => this.CONSUME(t.Rewarm, { LABEL: "kind" }) },
      {
        ALT: () => {
          this.CONSUME(t.PhaseKw, { LABEL: "kind" });
          this.CONSUME(t.StringLiteral);
        },
      },
    ]);
    this.SUBRULE(this.duration);
    this.MANY(() => this.SUBRULE(this.phaseOption));
    this.OPTION(() => this.SUBRULE(this.phaseBody));
  });

  duration = this.RULE("duration", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Until);
          this.SUBRULE(this.quantity);
        },
      },
      { ALT: () => this.CONSUME(t.Rest) },
      { ALT: () => this.SUBRULE2(this.quantity) },
    ]);
  });

  phaseOption = this.RULE("phaseOption", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.shapeSpec) },
      { ALT: () => this.SUBRULE(this.valueOption) },
      { ALT: () => this.CONSUME(t.Inclusive) },
    ]);
  });

  /** `from X`, `to X`, `at X`. */
  valueOption = this.RULE("valueOption", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.From, { LABEL: "key" }) },
      { ALT: () => this.CONSUME(t.To, { LABEL: "key" }) },
      { ALT: () => this.CONSUME(t.At, { LABEL: "key" }) },
    ]);
    this.SUBRULE(this.expression);
  });

  shapeSpec = this.RULE("shapeSpec", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Constant, { LABEL: "name" }) },
      { ALT: () => this.CONSUME(t.Linear, { LABEL: "name" }) },
      { ALT: () => this.CONSUME(t.Cosine, { LABEL: "name" }) },
      { ALT: () => this.CONSUME(t.OneMinusSqrt, { LABEL: "name" }) },
      { ALT: () => this.CONSUME(t.Exponential, { LABEL: "name" }) },
      { ALT: () => this.CONSUME(t.Rex, { LABEL: "name" }) },
      {
        ALT: () => {
          this.CONSUME(t.InverseSqrt, { LABEL: "name" });
          this.OPTION(() => {
            this.CONSUME(t.Timescale);
            this.SUBRULE(this.quantity, { LABEL: "timescale" });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Polynomial, { LABEL: "name" });
          this.OPTION2(() => {
            this.CONSUME(t.Power);
            this.SUBRULE(this.expression, { LABEL: "power" });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.StepShape, { LABEL: "name" });
          this.SUBRULE2(this.expression, { LABEL: "factor" });
          this.CONSUME(t.At);
          this.SUBRULE2(this.quantity, { LABEL: "milestone" });
          this.MANY(() => {
            this.CONSUME(t.Comma);
            this.SUBRULE3(this.quantity, { LABEL: "milestone" });
          });
        },
      },
    ]);
  });

  phaseBody = this.RULE("phaseBody", () => {
    this.CONSUME(t.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.mixStmt) },
        { ALT: () => this.SUBRULE(this.shapedSetting) },
        { ALT: () => this.SUBRULE(this.checkpointStmt) },
      ])
    );
    this.CONSUME(t.RBrace);
  });

  /** `weight_decay 0.05`, `batch linear from 32 to 128`: a per-phase value, constant or shaped. */
  shapedSetting = this.RULE("shapedSetting", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.WeightDecay, { LABEL: "key" }) },
      { ALT: () => this.CONSUME(t.Batch, { LABEL: "key" }) },
    ]);
    this.OR2([
      { ALT: () => this.SUBRULE(this.expression) },
      {
        ALT: () => {
          this.SUBRULE(this.shapeSpec);
          this.MANY(() => this.SUBRULE(this.valueOption));
        },
      },
    ]);
  });

  /**
   * `checkpoint at start "name"`, `checkpoint every 100 steps "c"`, or (at recipe level)
   * `checkpoint average "avg" of "c-800", "c-900"`: a checkpoint that is the mean of others' weights.
   */
  checkpointStmt = this.RULE("checkpointStmt", () => {
    this.CONSUME(t.Checkpoint);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.At);
          this.OR2([
            { ALT: () => this.CONSUME(t.Start, { LABEL: "edge" }) },
            { ALT: () => this.CONSUME(t.End, { LABEL: "edge" }) },
            { ALT: () => this.SUBRULE(this.quantity) },
          ]);
          this.OPTION(() => this.CONSUME(t.StringLiteral));
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Every);
          this.SUBRULE2(this.quantity, { LABEL: "every" });
          this.OPTION2(() => this.CONSUME2(t.StringLiteral));
        },
      },
      { ALT: () => this.SUBRULE(this.averageOf) },
    ]);
  });

  /**
   * `average "avg" of "c-800", "c-900"` (the name of the average and the checkpoints it averages) or
   * `average "avg" last 3 of "c"` (the last three checkpoints of the series `checkpoint every ... "c"`).
   */
  averageOf = this.RULE("averageOf", () => {
    this.CONSUME(t.Average);
    this.CONSUME(t.StringLiteral, { LABEL: "name" });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Of);
          this.CONSUME2(t.StringLiteral, { LABEL: "of" });
          this.MANY(() => {
            this.CONSUME(t.Comma);
            this.CONSUME3(t.StringLiteral, { LABEL: "of" });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Last);
          this.SUBRULE(this.expression, { LABEL: "count" });
          this.CONSUME2(t.Of);
          this.CONSUME4(t.StringLiteral, { LABEL: "series" });
        },
      },
    ]);
  });

  quantity = this.RULE("quantity", () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.SUBRULE(this.unit));
  });

  unit = this.RULE("unit", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Steps) },
      { ALT: () => this.CONSUME(t.Tokens) },
      { ALT: () => this.CONSUME(t.Samples) },
      { ALT: () => this.CONSUME(t.Percent) },
    ]);
  });

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.product, { LABEL: "operand" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(t.Plus, { LABEL: "operator" }) }, {
        ALT: () => this.CONSUME(t.Minus, { LABEL: "operator" }),
      }]);
      this.SUBRULE2(this.product, { LABEL: "operand" });
    });
  });

  product = this.RULE("product", () => {
    this.SUBRULE(this.unary, { LABEL: "operand" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(t.Star, { LABEL: "operator" }) }, {
        ALT: () => this.CONSUME(t.Slash, { LABEL: "operator" }),
      }]);
      this.SUBRULE2(this.unary, { LABEL: "operand" });
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.NumberLiteral) },
      {
        ALT: () => {
          this.CONSUME(t.Name);
          this.OPTION(() => {
            this.CONSUME(t.LParen);
            this.SUBRULE(this.expression, { LABEL: "argument" });
            this.MANY(() => {
              this.CONSUME(t.Comma);
              this.SUBRULE2(this.expression, { LABEL: "argument" });
            });
            this.CONSUME(t.RParen);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(t.LParen);
          this.SUBRULE3(this.expression, { LABEL: "inner" });
          this.CONSUME2(t.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Sweep);
          this.CONSUME(t.LBracket);
          this.SUBRULE4(this.expression, { LABEL: "choice" });
          this.MANY2(() => {
            this.CONSUME2(t.Comma);
            this.SUBRULE5(this.expression, { LABEL: "choice" });
          });
          this.CONSUME(t.RBracket);
        },
      },
    ]);
  });
}

/** The one parser instance, reused across parses (set `.input`, call `.file()`). */
export const parser = new RecipeParser();
