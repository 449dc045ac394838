/**
 * What each code of the diagnostics table means and how to fix it: the pages `spec explain <code>`
 * prints. Keyed by the table's codes, so a code added to the table without its explanation does
 * not compile.
 */
import type { MessageCode } from "./messages.ts";

export interface Explanation {
  /** Why the compiler reports it. */
  why: string;
  /** What to do about it. */
  fix: string;
}

export const explanations = {
  "file-unreadable": { why: "A spec file or a file a spec names could not be read (permissions, an I/O error).", fix: "Check the file's permissions and that it is not being written while the compiler runs." },
  "file-too-large": { why: "The file is larger than the compiler reads, which guards against reading huge or hostile files.", fix: "Split the document, or import only the operations you need from a large OpenAPI document (spec import --operations)." },
  "not-a-regular-file": { why: "A path names a folder, device, socket or pipe where a file is expected.", fix: "Point the spec at a regular file inside the project." },
  "outside-project": { why: "A spec names a file that resolves, after symbolic links, outside the project root: a spec could otherwise read any file of the machine.", fix: "Copy the file into the project and name it by a relative path." },
  "invalid-utf8": { why: "The file holds bytes that are not UTF-8, so its text cannot be read reliably.", fix: "Save the file as UTF-8." },
  "empty-file": { why: "The file is empty or holds only comments.", fix: "Add a document (apiVersion, kind, metadata, spec) or delete the file." },
  "no-specs": { why: "The folder holds no *.yaml, *.yml or *.sync file.", fix: "Check the paths given on the command line or the project file's specs." },
  "path-not-found": { why: "A path on the command line, in the project file or in a spec does not exist.", fix: "Correct the path; relative paths are read from the project root." },
  "yaml-syntax": { why: "The YAML parser cannot read the document (indentation, an unclosed quote or bracket, a tab).", fix: "Fix the syntax at the position shown; indent with spaces only." },
  "duplicate-key": { why: "A key appears twice in one mapping; YAML keeps only one of them, silently.", fix: "Remove or rename one of the two keys." },
  "alias-limit": { why: "The document expands more YAML aliases than the compiler allows, the shape of an alias bomb.", fix: "Write the values out, or use fewer aliases." },
  "nesting-too-deep": { why: "The document nests deeper than the compiler reads.", fix: "Flatten the document, for example by naming a schema and referring to it." },
  "forbidden-key": { why: "Keys such as __proto__ or constructor could change object prototypes in the tools that read specs.", fix: "Rename the key." },
  "not-an-object": { why: "A section that must be a mapping of keys to values holds a list or a scalar.", fix: "Write the section as key: value pairs." },
  "unknown-kind": { why: "The document's kind is not one the compiler knows.", fix: "Use one of System, Entity, Ownership, Mapping, Route, Reconciliation or Policy." },
  "unknown-api-version": { why: "The document's apiVersion is not the one this compiler reads.", fix: "Write apiVersion: syncspec.dev/v1." },
  "missing-key": { why: "A required key is absent.", fix: "Add the key; the message names it and where it belongs." },
  "unknown-key": { why: "A key is not part of the document's schema, often a misspelling.", fix: "Use the suggested key, or one of the keys listed; editors complete them with the published JSON Schema." },
  "wrong-type": { why: "A value has the wrong type: a string where a number is expected, a list where a mapping is.", fix: "Write the value as the type the message names." },
  "invalid-value": { why: "A value has the right type but breaks a rule of its field (a pattern, a range, an allowed value).", fix: "Change the value as the message says." },
  "duplicate-name": { why: "Two documents of one kind have the same metadata.name, so references to it are ambiguous.", fix: "Rename one of them." },
  "unknown-reference": { why: "A reference names a system, entity, operation, mapping or queue that is not declared.", fix: "Use the suggested name or one of the known names listed, or declare what is missing." },
  "unknown-field": { why: "A field is named that the entity or schema does not have.", fix: "Use the suggested field or one of those listed, or add the field to the entity." },
  "step-action": { why: "A route step must do exactly one thing (validate, map, enrich, classify, branch, require, deliver or emit).", fix: "Split a step that has two actions into two steps; give an empty step its action." },
  "trigger-kind": { why: "A route's trigger must be exactly one of a system event, a canonical event or a schedule.", fix: "Keep one of 'event', 'canonical' or 'schedule'." },
  "webhook-authentication-kind": { why: "Webhook authentication takes one scheme.", fix: "Keep one of 'basic', 'bearer' or 'none'." },
  "webhook-authentication-none-signed": { why: "A webhook that declares a signature is authenticated by it, so 'authentication: none' contradicts it.", fix: "Remove 'authentication: none', or the signature if the sender does not sign." },
  "shape-kind": { why: "A mapping's source or target is either a canonical entity or a system's schema.", fix: "Give 'entity', or both 'system' and 'schema'." },
  "mapping-mismatch": { why: "A mapping's source or target does not fit the route step that uses it.", fix: "Use a mapping whose source is the record at that step and whose target is what the step needs." },
  "invalid-jsonata": {
    why: "A JSONata expression does not parse. JSONata is not JavaScript: it writes 'and', 'or' and '=' where JavaScript writes '&&', '||' and '=='; '&' joins strings.",
    fix: "Fix the expression at the position shown; a hint names the JSONata spelling of a JavaScript operator.",
  },
  "invalid-schedule": {
    why: "A schedule is read as standard cron (five fields in UTC, names such as MON and JAN, 7 for Sunday, @daily and the like); this one does not parse, or no date ever matches it (31 February).",
    fix: "Write five fields (minute hour day-of-month month day-of-week) or a nickname such as @daily; when both day of month and day of week are restricted, a day matching either runs.",
  },
  "measure-kind": { why: "A business measure reads one thing: a latency to a delivery, events pending a delivery, or open exceptions.", fix: "Keep exactly one of 'latency', 'pending' or 'exceptions' in the measure; declare two measures for two numbers." },
  "measure-step": { why: "A latency or pending measure reads when a step's delivery was made; the step named delivers nothing.", fix: "Name a deliver step of the route (its id)." },
  "measure-objective": { why: "A latency's objective is a duration its 90th percentile should stay within; a count's is the most it should be.", fix: "Write a duration such as 4h for a latency, a whole number for a pending or exceptions measure." },
  "reconciliation-read": {
    why: "A reconciliation source reads its records live through a list operation of its system: it must be a GET, a cursor pagination must say where the next cursor is, and the mapping must produce the source's entity.",
    fix: "Name a GET operation of the source's system, add 'next' to a cursor pagination, and name a mapping whose target is the source's entity.",
  },
  "invalid-lifecycle": { why: "An entity's lifecycle names a state that is not a value of its field, or a transition from or to an unknown state.", fix: "Make the lifecycle's states the values of its enum field." },
  "invalid-config": { why: "The project file (syncspec.yaml) has a mistake.", fix: "Fix the key the message names; its schema is schemas/config.schema.json." },
  "dsl-syntax": { why: "A .sync file does not follow the DSL's grammar at this point.", fix: "Compare with grammar/ and the example in specs/; spec fmt --to dsl shows a YAML spec in the DSL." },
  "dsl-unexpected-character": { why: "A character that starts no word, number, string or symbol of the DSL.", fix: "Remove it, or quote it inside a string." },
  "dsl-unterminated-string": { why: "A string is not closed on the line it starts.", fix: "End it with '\"' on the same line; write a line break as \\n." },
  "dsl-invalid-escape": { why: "A backslash in a string starts no escape the DSL knows.", fix: "Use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX, or write '\\\\' for a backslash." },
  "dsl-unterminated-block": { why: "A block is opened and never closed.", fix: "Close it with the bracket the message names." },
  "dsl-unknown-keyword": { why: "A word where the DSL expects a keyword, close to one it knows.", fix: "Use the suggested keyword, or one of those allowed here." },
  "dsl-unbalanced-braces": { why: "The braces of a JSONata block in a .sync file do not balance, so the block's end is unclear.", fix: "Balance the braces, or put a brace inside a string." },
  "unknown-policy": { why: "The project file names a policy that no Policy document declares.", fix: "Name an existing Policy, or add one." },
  "unknown-rule": { why: "A Policy configures a lint rule that does not exist.", fix: "Use the suggested rule; spec lint --write-docs lists every rule." },
  "expired-exception": { why: "A Policy's exception to a rule has passed its expiry date, so the finding counts again.", fix: "Fix the finding, or renew the exception with a new date and a reason." },
  "custom-rule-error": { why: "A Policy's custom rule failed: its JSONata does not evaluate, or its module throws.", fix: "Fix the rule; the message carries its error." },
  "rule-module-outside-root": { why: "A custom rule's module runs as code, so it must be a file inside the project.", fix: "Move the module into the project and name it by a relative path." },
  "rule-module-skipped": { why: "Rule modules were turned off (--no-rule-modules), so whether their checks pass is unknown.", fix: "Run spec lint without --no-rule-modules where the code is trusted." },
  "invalid-baseline": { why: "The baseline file given with --baseline cannot be read or is not a baseline.", fix: "Write it again with spec lint --write-baseline <file>." },
  "mapping-unknown-path": { why: "The mapping reads a field the source shape does not have; at run time it would be missing.", fix: "Use the suggested field or one of those listed, or add it to the source shape." },
  "mapping-missing-field": { why: "The mapping never sets a field the target requires, so every request would be rejected.", fix: "Set the field in the expression, or make it optional in the target schema if the system allows." },
  "mapping-unknown-target": { why: "The mapping sets a field the target shape does not have.", fix: "Use the suggested field or one of those listed." },
  "mapping-wrong-type": { why: "The mapping puts a value of one type where the target expects another, for example a number where a decimal string is required.", fix: "Convert the value in the expression ($string, $number) or correct the target's type." },
  "mapping-undecidable": { why: "Type inference cannot decide this part of the expression (a dynamic path, a function it does not model).", fix: "Nothing is wrong by itself; add an example test to the mapping to check it." },
  "missing-path-param": { why: "An operation's path has a {parameter} that neither the step's params nor the request body gives.", fix: "Add the parameter to the deliver step's params with an expression for its value." },
  "unknown-path-param": { why: "A deliver step's params names a parameter the operation's path does not have.", fix: "Use the suggested parameter, or remove the entry." },
  "condition-never-true": { why: "A condition gives a value that is never true (a string, a number, an object), so what it guards never runs.", fix: "Compare it (=, !=, <, in) or test it ($exists)." },
  "invalid-pattern": { why: "A pattern is not a valid regular expression.", fix: "Fix the regular expression as the message says." },
  "invalid-header-name": { why: "A header name has characters HTTP does not allow in one.", fix: "Use letters, digits and !#$%&'*+-.^_`|~ only." },
  "missing-lookup": { why: "A mapping reads a lookup ($name) that the route does not provide at that step.", fix: "Declare the lookup in the mapping, or enrich the record with it before the step." },
  "unbound-variable": { why: "The expression reads a $variable no earlier step binds (an enrich's `as`, or $class), so it is always empty at run time.", fix: "Use the suggested name, or enrich the record under that name before the step." },
  "write-back-not-owner": { why: "Ownership rules apply to write-back like any other write: a field takes values only from its system of record.", fix: "Write back a field this system owns, or make it the field's system of record in the entity's Ownership." },
  "unknown-request-param": { why: "A deliver step gives a query or header parameter the operation does not declare, so the target would not expect it.", fix: "Use the suggested name, or declare the parameter in the operation's parameters." },
  "missing-request-param": { why: "The operation declares the parameter as required, and the step does not give it: every call would be refused.", fix: "Give the parameter in the deliver step's query or headers." },
  "request-param-type": { why: "The expression gives a value of another type than the operation declares for the parameter.", fix: "Convert the value in the expression ($string, $number) or read another field." },
  "mapping-input-mismatch": { why: "The mapping was written for another shape than the record the route has at this step, and that record lacks fields the mapping needs: at run time they would be missing.", fix: "Map the record to the mapping's source first (a map step before it), or use a mapping written for this record." },
  "lookup-key-count": { why: "A lookup's key is the looked-up entity's identity: one value per identity field, in its order.", fix: "Give one key path per identity field, in the order the entity declares them." },
  "lookup-as-of-xref": { why: "A cross-reference has no validity period, and waits for a missing id by itself.", fix: "Remove asOf or wait, or look the record up as reference data." },
  "keep-record-shape": { why: "A keep step stores the canonical record; the record at this step is another shape, so it would fail the entity's validation at run time.", fix: "Map the record to the entity before the keep step." },
  "keep-version-type": { why: "Versions are compared to keep a stale record from overwriting a newer one; only numbers and times compare.", fix: "Name a field holding an integer, a number, a date or a date-time, or leave version out to keep the last arrival." },
  "release-value": { why: "A rejection is released when the kept record's field holds the value named; a value outside the field's enum is never held, so the rejection would wait for ever.", fix: "Name one of the field's values." },
  "release-not-kept": { why: "Only a kept record (a keep step) changing releases a rejection; an entity no route keeps never changes in the state.", fix: "Keep the entity's records in the route that receives them, or name an entity that is kept." },
} as const satisfies Record<MessageCode, Explanation>;
