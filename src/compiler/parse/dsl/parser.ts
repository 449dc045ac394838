/**
 * The DSL's grammar as a Chevrotain parser: one typed member per rule, building a CST that
 * cst-to-model.ts lowers to the same model the YAML gives. Route, Mapping and Ownership have
 * their own statements; every kind also takes `key value` entries, and the other kinds are
 * written with entries only.
 */
import type { IOrAlt, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from "chevrotain";
import { stepWords } from "../../../steps/dsl-registry.ts";
import { chevrotain } from "./chevrotain.ts";
import { describeToken, describeTokenType } from "./describe.ts";
import * as t from "./tokens.ts";

const { CstParser, EOF } = chevrotain;

/** Rule names as readers should see them in messages. */
const RULE_WORDS: Record<string, string> = {
  file: "a document (system, entity, ownership, mapping, route, reconciliation or policy)",
  document: "a document (system, entity, ownership, mapping, route, reconciliation or policy)",
  name: "a name",
  step: "a step",
  stepAction: `a step (${stepWords()})`,
  routeStatement: "a route statement (on, when, key, order by, steps, retry, timeout, breaker, dead-letter, exceptions, sla, guard or an entry)",
  mappingStatement: "a mapping statement (from, to, lookup, test or an entry such as expression {{ ... }})",
  ownershipStatement: "an ownership statement (entity, created by, updated by, replicated to, field or an entry such as steward)",
  value: "a value",
  jsonata: "a JSONata block {{ ... }}",
};

function expectedWords(paths: readonly (readonly TokenType[])[]): string {
  const words = [...new Set(paths.map((path) => (path[0] === undefined ? "the end" : describeTokenType(path[0]))))];
  if (words.length > 8) return `${words.slice(0, 8).join(", ")} or another ${words.length - 8}`;
  return words.length <= 1 ? (words[0] ?? "something else") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

const STEP_WORDS = stepWords();

/** What may come next inside each kind of braces, for "expected '}'" messages. */
const BODY_WORDS: Record<string, string> = {
  routeDocument: RULE_WORDS["routeStatement"] ?? "",
  mappingDocument: RULE_WORDS["mappingStatement"] ?? "",
  ownershipDocument: RULE_WORDS["ownershipStatement"] ?? "",
  stepBlock: `a step (${STEP_WORDS})`,
  block: "an entry (key value)",
  branchAction: "a branch (when {{ ... }} { ... } or otherwise { ... })",
};

/** Messages in words: what was expected, and what was found instead. */
export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    if (expected === EOF) return `expected ${RULE_WORDS["document"]} but found ${describeToken(actual)}`;
    if (ruleName === "step" && expected === t.Colon) {
      return `unexpected '${previous.image}': a step starts with ${STEP_WORDS} (or 'id:' to label it)`;
    }
    const inside = BODY_WORDS[ruleName];
    if (expected === t.RCurly && inside !== undefined) {
      return `expected ${inside} or '}' but found ${describeToken(actual)}`;
    }
    return `expected ${describeTokenType(expected)} but found ${describeToken(actual, expected === t.Identifier)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${RULE_WORDS["document"]} but found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0];
    const paths = expectedPathsPerAlt.flat();
    const what = RULE_WORDS[ruleName] ?? expectedWords(paths);
    const nameExpected = paths.some((path) => path[0] === t.Identifier);
    return `expected ${what} but found ${found === undefined ? "the end of the file" : describeToken(found, nameExpected)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const found = actual[0];
    const what = RULE_WORDS[ruleName] ?? expectedWords(expectedIterationPaths);
    return `expected at least one ${what} but found ${found === undefined ? "the end of the file" : describeToken(found)}`;
  },
};

/** The token a parser error is about: for an `unexpected '...'` message, the word before the one the parser stopped at. */
export function errorToken(error: IRecognitionException): IToken {
  const previous = (error as { previousToken?: IToken }).previousToken;
  return error.message.startsWith("unexpected '") && previous !== undefined ? previous : error.token;
}

/** The parser. Build it once (`dslParser`) and reuse it: building analyses the grammar. */
export class DslParser extends CstParser {
  /**
   * Each OR's alternatives, built once: building them on every call costs more than the parse
   * (Chevrotain's own performance advice).
   */
  private readonly alternativesCache: IOrAlt<unknown>[][] = [];

  constructor() {
    super(t.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "onlyOffset", errorMessageProvider: errorMessages });
    this.performSelfAnalysis();
  }

  private alternatives(id: number, make: () => IOrAlt<unknown>[]): IOrAlt<unknown>[] {
    let cached = this.alternativesCache[id];
    if (cached === undefined) {
      cached = make();
      this.alternativesCache[id] = cached;
    }
    return cached;
  }

  // ---- files and documents -------------------------------------------------------------
  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.document));
  });

  document = this.RULE("document", () => {
    this.OR(this.alternatives(1, () => [
      { ALT: () => this.SUBRULE(this.routeDocument) },
      { ALT: () => this.SUBRULE(this.mappingDocument) },
      { ALT: () => this.SUBRULE(this.ownershipDocument) },
      { ALT: () => this.SUBRULE(this.genericDocument) },
    ]));
  });

  routeDocument = this.RULE("routeDocument", () => {
    this.CONSUME(t.Route);
    this.SUBRULE(this.header);
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.routeStatement);
      this.OPTION(() => this.CONSUME(t.Semicolon));
    });
    this.CONSUME(t.RCurly);
  });

  mappingDocument = this.RULE("mappingDocument", () => {
    this.CONSUME(t.Mapping);
    this.SUBRULE(this.header);
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.mappingStatement);
      this.OPTION(() => this.CONSUME(t.Semicolon));
    });
    this.CONSUME(t.RCurly);
  });

  ownershipDocument = this.RULE("ownershipDocument", () => {
    this.CONSUME(t.Ownership);
    this.SUBRULE(this.header);
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.ownershipStatement);
      this.OPTION(() => this.CONSUME(t.Semicolon));
    });
    this.CONSUME(t.RCurly);
  });

  /** System, Entity, Reconciliation and Policy: the header, then entries that mirror the YAML. */
  genericDocument = this.RULE("genericDocument", () => {
    this.OR(this.alternatives(2, () => [
      { ALT: () => this.CONSUME(t.System) },
      { ALT: () => this.CONSUME(t.Entity) },
      { ALT: () => this.CONSUME(t.Reconciliation) },
      { ALT: () => this.CONSUME(t.Policy) },
    ]));
    this.SUBRULE(this.header);
    this.SUBRULE(this.block);
  });

  /** `<name> [version <semver>] [team <team>]` */
  header = this.RULE("header", () => {
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.OR(this.alternatives(3, () => [
        {
          ALT: () => {
            this.CONSUME(t.Version);
            this.OR2([{ ALT: () => this.CONSUME(t.NumberLike) }, { ALT: () => this.CONSUME(t.StringLiteral) }]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Team);
            this.SUBRULE2(this.name);
          },
        },
      ]));
    });
  });

  // ---- routes ----------------------------------------------------------------------------
  routeStatement = this.RULE("routeStatement", () => {
    this.OR(this.alternatives(4, () => [
      { ALT: () => this.SUBRULE(this.onClause) },
      { ALT: () => this.SUBRULE(this.whenClause) },
      { ALT: () => this.SUBRULE(this.keyClause) },
      { ALT: () => this.SUBRULE(this.orderClause) },
      { ALT: () => this.SUBRULE(this.stepsClause) },
      { ALT: () => this.SUBRULE(this.retryClause) },
      { ALT: () => this.SUBRULE(this.timeoutClause) },
      { ALT: () => this.SUBRULE(this.breakerClause) },
      { ALT: () => this.SUBRULE(this.deadLetterClause) },
      { ALT: () => this.SUBRULE(this.exceptionsClause) },
      { ALT: () => this.SUBRULE(this.slaClause) },
      { ALT: () => this.SUBRULE(this.guardClause) },
      { ALT: () => this.SUBRULE(this.plainEntry) },
    ]));
  });

  /** `on psa.timeEntryApproved`, `on canonical TimeCosted`, `on schedule "0 2 * * *"` */
  onClause = this.RULE("onClause", () => {
    this.CONSUME(t.On);
    this.OR(this.alternatives(5, () => [
      {
        ALT: () => {
          this.CONSUME(t.Canonical);
          this.SUBRULE(this.name);
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Schedule);
          this.CONSUME(t.StringLiteral);
        },
      },
      { ALT: () => this.SUBRULE(this.qualifiedRef) },
    ]));
  });

  whenClause = this.RULE("whenClause", () => {
    this.CONSUME(t.When);
    this.SUBRULE(this.jsonata);
  });

  keyClause = this.RULE("keyClause", () => {
    this.CONSUME(t.Key);
    this.SUBRULE(this.pathList);
  });

  orderClause = this.RULE("orderClause", () => {
    this.CONSUME(t.Order);
    this.CONSUME(t.By);
    this.SUBRULE(this.pathList);
  });

  stepsClause = this.RULE("stepsClause", () => {
    this.CONSUME(t.Steps);
    this.SUBRULE(this.stepBlock);
  });

  /** `retry 8 times exponential 1s..5m jitter full` */
  retryClause = this.RULE("retryClause", () => {
    this.CONSUME(t.Retry);
    this.CONSUME(t.NumberLike);
    this.CONSUME(t.Times);
    this.CONSUME(t.Word);
    this.SUBRULE(this.duration);
    this.CONSUME(t.Range);
    this.SUBRULE2(this.duration);
    this.OPTION(() => {
      this.CONSUME(t.Jitter);
      this.CONSUME2(t.Word);
    });
  });

  timeoutClause = this.RULE("timeoutClause", () => {
    this.CONSUME(t.Timeout);
    this.SUBRULE(this.duration);
  });

  /** `breaker after 5 failures reset after 1m probes 1` */
  breakerClause = this.RULE("breakerClause", () => {
    this.CONSUME(t.Breaker);
    this.CONSUME(t.After);
    this.CONSUME(t.NumberLike);
    this.CONSUME(t.Failures);
    this.CONSUME(t.Reset);
    this.CONSUME2(t.After);
    this.SUBRULE(this.duration);
    this.CONSUME(t.Probes);
    this.CONSUME2(t.NumberLike);
  });

  deadLetterClause = this.RULE("deadLetterClause", () => {
    this.CONSUME(t.DeadLetter);
    this.SUBRULE(this.name);
  });

  /** `exceptions time-exceptions owner finance-ops, sla 4h` */
  exceptionsClause = this.RULE("exceptionsClause", () => {
    this.CONSUME(t.Exceptions);
    this.SUBRULE(this.name);
    this.CONSUME(t.Owner);
    this.SUBRULE2(this.name);
    this.OPTION(() => {
      this.CONSUME(t.Comma);
      this.CONSUME(t.Sla);
      this.SUBRULE(this.duration);
    });
  });

  /** `sla 1d note "posted within a day"` */
  slaClause = this.RULE("slaClause", () => {
    this.CONSUME(t.Sla);
    this.SUBRULE(this.duration);
    this.OPTION(() => this.SUBRULE(this.note));
  });

  /** `guard ignore origin erp, billing` */
  guardClause = this.RULE("guardClause", () => {
    this.CONSUME(t.Guard);
    this.CONSUME(t.Ignore);
    this.CONSUME(t.Origin);
    this.SUBRULE(this.nameList);
  });

  // ---- steps -----------------------------------------------------------------------------
  stepBlock = this.RULE("stepBlock", () => {
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.step);
      this.OPTION(() => this.CONSUME(t.Semicolon));
    });
    this.CONSUME(t.RCurly);
  });

  /** `[id:] action [when {{ ... }}] [note "..."]` */
  step = this.RULE("step", () => {
    this.OPTION(() => {
      this.SUBRULE(this.name);
      this.CONSUME(t.Colon);
    });
    this.SUBRULE(this.stepAction);
    this.MANY(() => this.SUBRULE(this.stepModifier));
  });

  stepModifier = this.RULE("stepModifier", () => {
    this.OR(this.alternatives(6, () => [
      {
        ALT: () => {
          this.CONSUME(t.When);
          this.SUBRULE(this.jsonata);
        },
      },
      { ALT: () => this.SUBRULE(this.note) },
    ]));
  });

  stepAction = this.RULE("stepAction", () => {
    this.OR(this.alternatives(7, () => [
      { ALT: () => this.SUBRULE(this.validateAction) },
      { ALT: () => this.SUBRULE(this.mapAction) },
      { ALT: () => this.SUBRULE(this.enrichAction) },
      { ALT: () => this.SUBRULE(this.classifyAction) },
      { ALT: () => this.SUBRULE(this.branchAction) },
      { ALT: () => this.SUBRULE(this.requireAction) },
      { ALT: () => this.SUBRULE(this.deliverAction) },
      { ALT: () => this.SUBRULE(this.rejectAction) },
      { ALT: () => this.SUBRULE(this.emitAction) },
      { ALT: () => this.SUBRULE(this.keepAction) },
      { ALT: () => this.SUBRULE(this.genericStep) },
    ]));
  });

  validateAction = this.RULE("validateAction", () => {
    this.CONSUME(t.Validate);
    this.SUBRULE(this.name);
  });

  mapAction = this.RULE("mapAction", () => {
    this.CONSUME(t.MapKeyword);
    this.SUBRULE(this.name);
  });

  /**
   * `enrich erpProject with xref Project from psa to erp by projectId`, or reference data by a
   * composite key as of a date: `enrich rate with reference-data FxRate by currency, projectCurrency on expenseDate wait 1d`.
   */
  enrichAction = this.RULE("enrichAction", () => {
    this.CONSUME(t.Enrich);
    this.SUBRULE(this.name);
    this.CONSUME(t.With);
    this.CONSUME(t.Word);
    this.SUBRULE2(this.name);
    this.OPTION(() => {
      this.CONSUME(t.From);
      this.SUBRULE3(this.name);
    });
    this.OPTION2(() => {
      this.CONSUME(t.To);
      this.SUBRULE4(this.name);
    });
    // `enrich lines with records BillableLine matching projectId by data.projectId`
    this.OPTION5(() => {
      this.CONSUME(t.Matching);
      this.SUBRULE2(this.pathList);
    });
    this.CONSUME(t.By);
    this.SUBRULE(this.pathList);
    this.OPTION3(() => {
      this.CONSUME(t.On);
      this.SUBRULE(this.path);
    });
    this.OPTION4(() => {
      this.CONSUME(t.Wait);
      this.SUBRULE(this.duration);
    });
  });

  /** `classify billing { when {{ billable }} then billable  otherwise internal }` */
  classifyAction = this.RULE("classifyAction", () => {
    this.CONSUME(t.Classify);
    this.SUBRULE(this.name);
    this.CONSUME(t.LCurly);
    this.MANY(() => this.SUBRULE(this.classifyRule));
    this.CONSUME(t.Otherwise);
    this.SUBRULE(this.text);
    this.CONSUME(t.RCurly);
  });

  classifyRule = this.RULE("classifyRule", () => {
    this.CONSUME(t.When);
    this.SUBRULE(this.jsonata);
    this.CONSUME(t.Then);
    this.SUBRULE(this.text);
  });

  /** `branch { when {{ ... }} { steps }  otherwise { steps } }` */
  branchAction = this.RULE("branchAction", () => {
    this.CONSUME(t.Branch);
    this.CONSUME(t.LCurly);
    this.MANY(() => this.SUBRULE(this.branchArm));
    this.CONSUME(t.RCurly);
  });

  branchArm = this.RULE("branchArm", () => {
    this.OR(this.alternatives(8, () => [
      {
        ALT: () => {
          this.CONSUME(t.When);
          this.SUBRULE(this.jsonata);
        },
      },
      { ALT: () => this.CONSUME(t.Otherwise) },
    ]));
    this.SUBRULE(this.stepBlock);
  });

  /** `require Project in erp by projectId wait 1h` */
  requireAction = this.RULE("requireAction", () => {
    this.CONSUME(t.Require);
    this.SUBRULE(this.name);
    this.CONSUME(t.In);
    this.SUBRULE2(this.name);
    this.CONSUME(t.By);
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(t.Wait);
      this.SUBRULE(this.duration);
    });
  });

  /**
   * `deliver billing.addTimeCharge using time-entry-to-billing-charge with subscription-id: {{ projectId }}`:
   * `with` gives the operation's path parameters, each a JSONata expression over the record.
   */
  deliverAction = this.RULE("deliverAction", () => {
    this.CONSUME(t.Deliver);
    this.SUBRULE(this.qualifiedRef);
    this.OPTION(() => {
      this.CONSUME(t.Using);
      this.SUBRULE(this.name);
    });
    this.OPTION2(() => {
      this.CONSUME(t.With);
      this.SUBRULE(this.deliverParam);
      this.MANY(() => {
        this.CONSUME(t.Comma);
        this.SUBRULE2(this.deliverParam);
      });
    });
    this.OPTION3(() => this.SUBRULE(this.deliverCorrection));
  });

  /**
   * `correct by reverse erp.reverseJournal using journal-reversal with journalId: {{ $previous.targetId }}`:
   * how a newer version of a versioned record corrects what the step posted.
   */
  deliverCorrection = this.RULE("deliverCorrection", () => {
    this.CONSUME(t.Correct);
    this.CONSUME(t.By);
    this.SUBRULE(this.name);
    this.SUBRULE(this.qualifiedRef);
    this.OPTION(() => {
      this.CONSUME(t.Using);
      this.SUBRULE2(this.name);
    });
    this.OPTION2(() => {
      this.CONSUME(t.With);
      this.SUBRULE(this.deliverParam);
      this.MANY(() => {
        this.CONSUME(t.Comma);
        this.SUBRULE2(this.deliverParam);
      });
    });
  });

  /**
   * `subscription-id: {{ projectId }}`: one path parameter and the expression giving its value;
   * `query DateFrom: {{ ... }}` a query parameter, `header Xero-Tenant-Id: {{ ... }}` a header one.
   */
  deliverParam = this.RULE("deliverParam", () => {
    this.OPTION(() => {
      this.OR(this.alternatives(23, () => [{ ALT: () => this.CONSUME(t.Query) }, { ALT: () => this.CONSUME(t.Header) }]));
    });
    this.SUBRULE(this.name);
    this.CONSUME(t.Colon);
    this.SUBRULE(this.jsonata);
  });

  /**
   * `reject missing-receipt to expense-review owner finance-ops because {{ "No receipt for " & expenseId }}`,
   * optionally followed by its release: `on Client key clientId field creditStatus to "ok"`.
   */
  rejectAction = this.RULE("rejectAction", () => {
    this.CONSUME(t.Reject);
    this.SUBRULE(this.name);
    this.CONSUME(t.To);
    this.SUBRULE2(this.name);
    this.CONSUME(t.Owner);
    this.SUBRULE3(this.name);
    this.CONSUME(t.Because);
    this.SUBRULE(this.jsonata);
    // `on Client key clientId field creditStatus to "ok"`: the declared release.
    this.OPTION(() => {
      this.CONSUME(t.On);
      this.SUBRULE4(this.name);
      this.CONSUME(t.Key);
      this.SUBRULE(this.path);
      this.CONSUME(t.Field);
      this.SUBRULE2(this.path);
      this.CONSUME2(t.To);
      this.CONSUME(t.StringLiteral);
    });
  });

  /** `emit TimeCosted(TimeEntry)` */
  emitAction = this.RULE("emitAction", () => {
    this.CONSUME(t.Emit);
    this.SUBRULE(this.name);
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      this.SUBRULE2(this.name);
      this.CONSUME(t.RParen);
    });
  });

  /** `keep Project version activationVersion` */
  keepAction = this.RULE("keepAction", () => {
    this.CONSUME(t.Keep);
    this.SUBRULE(this.name);
    this.OPTION(() => {
      this.CONSUME(t.Version);
      this.SUBRULE(this.path);
    });
  });

  /** `step { ... }`: any step, written as entries. */
  genericStep = this.RULE("genericStep", () => {
    this.CONSUME(t.Step);
    this.SUBRULE(this.block);
  });

  // ---- mappings --------------------------------------------------------------------------
  mappingStatement = this.RULE("mappingStatement", () => {
    this.OR(this.alternatives(9, () => [
      { ALT: () => this.SUBRULE(this.fromClause) },
      { ALT: () => this.SUBRULE(this.toClause) },
      { ALT: () => this.SUBRULE(this.lookupClause) },
      { ALT: () => this.SUBRULE(this.testClause) },
      { ALT: () => this.SUBRULE(this.plainEntry) },
    ]));
  });

  /** `from psa.TimeEntry` (a system's schema) or `from TimeEntry` (an entity) */
  fromClause = this.RULE("fromClause", () => {
    this.CONSUME(t.From);
    this.SUBRULE(this.shapeRef);
  });

  toClause = this.RULE("toClause", () => {
    this.CONSUME(t.To);
    this.SUBRULE(this.shapeRef);
  });

  shapeRef = this.RULE("shapeRef", () => {
    this.SUBRULE(this.name);
    this.OPTION(() => {
      this.CONSUME(t.Dot);
      this.OR(this.alternatives(10, () => [{ ALT: () => this.CONSUME(t.Word) }, { ALT: () => this.CONSUME(t.StringLiteral) }]));
    });
  });

  /** `lookup rates reference-data RateCard` / `lookup erpProject xref Project from psa to erp` */
  lookupClause = this.RULE("lookupClause", () => {
    this.CONSUME(t.Lookup);
    this.SUBRULE(this.name);
    this.CONSUME(t.Word);
    this.SUBRULE2(this.name);
    this.OPTION(() => {
      this.CONSUME(t.From);
      this.SUBRULE3(this.name);
    });
    this.OPTION2(() => {
      this.CONSUME(t.To);
      this.SUBRULE4(this.name);
    });
    this.OPTION3(() => this.SUBRULE(this.note));
  });

  /** `test "prices billable time" { input {...} expect {...} }` */
  testClause = this.RULE("testClause", () => {
    this.CONSUME(t.Test);
    this.SUBRULE(this.text);
    this.SUBRULE(this.block);
  });

  // ---- ownership -------------------------------------------------------------------------
  ownershipStatement = this.RULE("ownershipStatement", () => {
    this.OR(this.alternatives(11, () => [
      { ALT: () => this.SUBRULE(this.entityClause) },
      { ALT: () => this.SUBRULE(this.createdClause) },
      { ALT: () => this.SUBRULE(this.updatedClause) },
      { ALT: () => this.SUBRULE(this.replicatedClause) },
      { ALT: () => this.SUBRULE(this.fieldClause) },
      { ALT: () => this.SUBRULE(this.plainEntry) },
    ]));
  });

  /** `entity TimeEntry owned by psa` */
  entityClause = this.RULE("entityClause", () => {
    this.CONSUME(t.Entity);
    this.SUBRULE(this.name);
    this.CONSUME(t.Owned);
    this.CONSUME(t.By);
    this.SUBRULE2(this.name);
  });

  createdClause = this.RULE("createdClause", () => {
    this.CONSUME(t.Created);
    this.CONSUME(t.By);
    this.SUBRULE(this.nameList);
  });

  updatedClause = this.RULE("updatedClause", () => {
    this.CONSUME(t.Updated);
    this.CONSUME(t.By);
    this.SUBRULE(this.nameList);
  });

  replicatedClause = this.RULE("replicatedClause", () => {
    this.CONSUME(t.Replicated);
    this.CONSUME(t.To);
    this.SUBRULE(this.nameList);
  });

  /** `field costPostingId owned by erp, updated by erp replicated to psa` or `field x { ... }` */
  fieldClause = this.RULE("fieldClause", () => {
    this.CONSUME(t.Field);
    this.SUBRULE(this.path);
    this.OR(this.alternatives(12, () => [
      {
        ALT: () => {
          this.CONSUME(t.Owned);
          this.CONSUME(t.By);
          this.SUBRULE(this.name);
          this.OPTION(() => {
            this.CONSUME(t.Comma);
            this.CONSUME(t.Updated);
            this.CONSUME2(t.By);
            this.SUBRULE(this.nameList);
          });
          // No comma before it: the list of updaters would take a comma as its own.
          this.OPTION2(() => {
            this.CONSUME(t.Replicated);
            this.CONSUME(t.To);
            this.SUBRULE2(this.nameList);
          });
        },
      },
      { ALT: () => this.SUBRULE(this.block) },
    ]));
  });

  // ---- entries and values ----------------------------------------------------------------
  /** An entry in a route, mapping or ownership body: the key is a name or a quoted string. */
  plainEntry = this.RULE("plainEntry", () => {
    this.OR(this.alternatives(13, () => [
      {
        ALT: () => {
          this.CONSUME(t.Identifier);
          this.MANY(() => {
            this.CONSUME(t.Dot);
            this.CONSUME(t.Word);
          });
        },
      },
      { ALT: () => this.CONSUME(t.StringLiteral) },
    ]));
    this.OPTION(() => this.CONSUME(t.Colon));
    this.SUBRULE(this.value);
  });

  /** `{ key value, key value }`: entries in any block; keys may be keywords. */
  block = this.RULE("block", () => {
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.entry);
      this.OPTION(() => {
        this.OR(this.alternatives(14, () => [{ ALT: () => this.CONSUME(t.Comma) }, { ALT: () => this.CONSUME(t.Semicolon) }]));
      });
    });
    this.CONSUME(t.RCurly);
  });

  entry = this.RULE("entry", () => {
    this.OR(this.alternatives(15, () => [{ ALT: () => this.SUBRULE(this.dotted) }, { ALT: () => this.CONSUME(t.StringLiteral) }]));
    this.OPTION(() => this.CONSUME(t.Colon));
    this.SUBRULE(this.value);
  });

  value = this.RULE("value", () => {
    this.OR(this.alternatives(16, () => [
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.CONSUME(t.JsonataBlock) },
      { ALT: () => this.CONSUME(t.JsonataFence) },
      { ALT: () => this.CONSUME(t.NumberLike) },
      { ALT: () => this.SUBRULE(this.dotted) },
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.SUBRULE(this.list) },
    ]));
  });

  list = this.RULE("list", () => {
    this.CONSUME(t.LBracket);
    this.MANY(() => {
      this.SUBRULE(this.value);
      this.OPTION(() => this.CONSUME(t.Comma));
    });
    this.CONSUME(t.RBracket);
  });

  /** `word(.word)*`: a bare string, a field path or a key. */
  dotted = this.RULE("dotted", () => {
    this.CONSUME(t.Word);
    this.MANY(() => {
      this.CONSUME(t.Dot);
      this.CONSUME2(t.Word);
    });
  });

  // ---- small pieces ----------------------------------------------------------------------
  /** A name: an identifier, or any text in quotes (a keyword used as a name must be quoted). */
  name = this.RULE("name", () => {
    this.OR(this.alternatives(17, () => [{ ALT: () => this.CONSUME(t.Identifier) }, { ALT: () => this.CONSUME(t.StringLiteral) }]));
  });

  nameList = this.RULE("nameList", () => {
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.SUBRULE2(this.name);
    });
  });

  /** `system.member`, for example `erp.createJournal`. */
  qualifiedRef = this.RULE("qualifiedRef", () => {
    this.OR(this.alternatives(18, () => [
      {
        ALT: () => {
          this.CONSUME(t.Identifier);
          this.MANY(() => {
            this.CONSUME(t.Dot);
            this.CONSUME(t.Word);
          });
        },
      },
      { ALT: () => this.CONSUME(t.StringLiteral) },
    ]));
  });

  path = this.RULE("path", () => {
    this.OR(this.alternatives(19, () => [{ ALT: () => this.SUBRULE(this.dotted) }, { ALT: () => this.CONSUME(t.StringLiteral) }]));
  });

  pathList = this.RULE("pathList", () => {
    this.SUBRULE(this.path);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.SUBRULE2(this.path);
    });
  });

  duration = this.RULE("duration", () => {
    this.OR(this.alternatives(20, () => [{ ALT: () => this.CONSUME(t.NumberLike) }, { ALT: () => this.CONSUME(t.StringLiteral) }]));
  });

  /** A string written bare or in quotes. */
  text = this.RULE("text", () => {
    this.OR(this.alternatives(21, () => [
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.CONSUME(t.Word) },
      { ALT: () => this.CONSUME(t.NumberLike) },
    ]));
  });

  note = this.RULE("note", () => {
    this.CONSUME(t.Note);
    this.CONSUME(t.StringLiteral);
  });

  jsonata = this.RULE("jsonata", () => {
    this.OR(this.alternatives(22, () => [
      { ALT: () => this.CONSUME(t.JsonataBlock) },
      { ALT: () => this.CONSUME(t.JsonataFence) },
      { ALT: () => this.CONSUME(t.StringLiteral) },
    ]));
  });
}

let parser: DslParser | undefined;

/** The one parser instance, built on first use: building it analyses the whole grammar. */
export function dslParser(): DslParser {
  parser ??= new DslParser();
  return parser;
}
