/**
 * The one table of diagnostic codes. Each code has a default severity and a message built from
 * typed parameters, so a call site cannot forget or misspell one. Codes are kebab-case and stable:
 * tools match on them.
 */

/** How serious a finding is; `off` exists only in policies and never reaches a diagnostic. */
export type Severity = "error" | "warn" | "info" | "hint";

/** The close name when there is one, else the names that exist (see `nameHint`). */
const didYouMean = (suggestion: string | undefined, known?: string) =>
  suggestion !== undefined ? `; did you mean '${suggestion}'?` : known !== undefined ? `; known names are ${known}` : "";

/** Every diagnostic the compiler front end reports. Lint rules carry their own codes. */
export const messages = {
  "file-unreadable": { severity: "error", message: (p: { reason: string }) => `cannot read the file: ${p.reason}` },
  "file-too-large": {
    severity: "error",
    message: (p: { size: number; limit: number; path?: string }) => `${p.path ?? "the file"} is ${p.size} bytes, over the limit of ${p.limit} bytes`,
  },
  "not-a-regular-file": {
    severity: "error",
    message: (p: { path: string; type: string }) => `${p.path} is a ${p.type}, not a regular file; only regular files are read`,
  },
  "outside-project": {
    severity: "error",
    message: (p: { path: string }) => `${p.path} lies outside the project root (symbolic links resolved); a spec may name only files inside the project`,
  },
  "invalid-utf8": { severity: "error", message: () => "the file is not valid UTF-8: this byte does not start or continue a character" },
  "empty-file": { severity: "error", message: () => "the file holds no spec document" },
  "no-specs": { severity: "error", message: (p: { path: string }) => `no spec files (*.yaml, *.yml, *.sync) under ${p.path}` },
  "path-not-found": { severity: "error", message: (p: { path: string }) => `${p.path} does not exist` },
  "yaml-syntax": { severity: "error", message: (p: { detail: string }) => `YAML syntax error: ${p.detail}` },
  "duplicate-key": { severity: "error", message: (p: { key: string }) => `the key '${p.key}' appears twice in this mapping` },
  "alias-limit": {
    severity: "error",
    message: (p: { limit: number }) => `too many YAML alias expansions (over ${p.limit}); aliases are limited to stop alias bombs`,
  },
  "nesting-too-deep": {
    severity: "error",
    message: (p: { limit: number; path?: string }) => `${p.path === undefined ? "" : `${p.path}: `}nesting deeper than ${p.limit} levels; flatten the document`,
  },
  "forbidden-key": {
    severity: "error",
    message: (p: { key: string }) => `the key '${p.key}' is not allowed: it could change object prototypes`,
  },
  "not-an-object": { severity: "error", message: (p: { what: string }) => `${p.what} must be a mapping of keys to values` },
  "unknown-kind": {
    severity: "error",
    message: (p: { kind: string; kinds: string; suggestion?: string }) =>
      `unknown kind '${p.kind}'${didYouMean(p.suggestion)} (kinds: ${p.kinds})`,
  },
  "unknown-api-version": {
    severity: "error",
    message: (p: { apiVersion: string; expected: string }) => `unknown apiVersion '${p.apiVersion}'; this compiler reads '${p.expected}'`,
  },
  "missing-key": { severity: "error", message: (p: { where: string; key: string }) => `${p.where} is missing the required key '${p.key}'` },
  "unknown-key": {
    severity: "error",
    message: (p: { where: string; key: string; suggestion?: string; known?: string }) => `unknown key '${p.key}' in ${p.where}${didYouMean(p.suggestion, p.known)}`,
  },
  "wrong-type": {
    severity: "error",
    message: (p: { where: string; expected: string; actual: string }) => `${p.where} must be ${p.expected}, not ${p.actual}`,
  },
  "invalid-value": { severity: "error", message: (p: { where: string; rule: string }) => `${p.where} ${p.rule}` },
  "duplicate-name": {
    severity: "error",
    message: (p: { kind: string; name: string; other: string }) => `${p.kind} '${p.name}' is already declared in ${p.other}`,
  },
  "unknown-reference": {
    severity: "error",
    message: (p: { what: string; name: string; scope?: string; suggestion?: string; known?: string }) =>
      `unknown ${p.what} '${p.name}'${p.scope === undefined ? "" : ` in ${p.scope}`}${didYouMean(p.suggestion, p.known)}`,
  },
  "unknown-field": {
    severity: "error",
    message: (p: { field: string; shape: string; suggestion?: string; known?: string }) =>
      `'${p.field}' is not a field of ${p.shape}${didYouMean(p.suggestion, p.known)}`,
  },
  "step-action": {
    severity: "error",
    message: (p: { count: number; actions: string }) =>
      p.count === 0 ? `a step needs one action (${p.actions})` : `a step takes exactly one action, this one has ${p.count}`,
  },
  "trigger-kind": {
    severity: "error",
    message: (p: { count: number }) =>
      `a trigger takes exactly one of 'event', 'canonical' or 'schedule', this one has ${p.count === 0 ? "none" : p.count}`,
  },
  "webhook-authentication-kind": {
    severity: "error",
    message: (p: { count: number }) =>
      `webhook authentication takes exactly one of 'basic', 'bearer' or 'none', this one has ${p.count === 0 ? "none" : p.count}`,
  },
  "webhook-authentication-none-signed": {
    severity: "error",
    message: () => "a signed webhook cannot declare 'authentication: none': its signature authenticates the sender; remove one of the two",
  },
  "shape-kind": {
    severity: "error",
    message: (p: { where: string }) => `${p.where} takes either 'entity' or both 'system' and 'schema'`,
  },
  "version-in-key": {
    severity: "error",
    message: (p: { field: string }) =>
      `the idempotency key contains the version field '${p.field}' and no deliver step declares a correction: every version would post again beside the one before it; key the route by the source's event id or the record's identity, or declare a correction`,
  },
  "version-unordered": {
    severity: "error",
    message: (p: { field: string; type: string }) =>
      `the version field '${p.field}' is of type ${p.type}, whose values do not order; a version must be an integer, a number or a date-time`,
  },
  "correction-missing": {
    severity: "error",
    message: (p: { operation: string; offers: string }) =>
      `${p.operation} posts a versioned record, but the step declares no correction: a newer version would post again beside the one before it; declare 'correction' with 'reverse', 'adjust' or 'update'${p.offers}`,
  },
  "correction-kind": {
    severity: "error",
    message: (p: { count: number }) => `a correction takes exactly one of 'reverse', 'adjust' or 'update', this one has ${p.count === 0 ? "none" : p.count}`,
  },
  "correction-system": {
    severity: "error",
    message: (p: { operation: string; system: string }) =>
      `the correction calls ${p.operation}, but what this step posted is held by ${p.system}: a correction calls an operation of the system it corrects`,
  },
  "correction-unversioned": {
    severity: "error",
    message: () => "the route declares no 'versioning', so this correction never runs: declare the record's identity and version, or remove the correction",
  },
  "void-needs-reverse": {
    severity: "error",
    message: (p: { kind: string; event: string }) =>
      `the record is voided by ${p.event}, which only reverses what was posted, but this step corrects by '${p.kind}'; declare 'reverse' for a record that can be voided`,
  },
  "mapping-mismatch": { severity: "error", message: (p: { detail: string }) => p.detail },
  "invalid-jsonata": { severity: "error", message: (p: { detail: string }) => `JSONata syntax error: ${p.detail}` },
  "measure-kind": {
    severity: "error",
    message: (p: { measure: string; count: number }) =>
      `measure ${p.measure} must declare exactly one of 'latency', 'pending' or 'exceptions', not ${p.count}`,
  },
  "measure-step": {
    severity: "error",
    message: (p: { measure: string; step: string; kind: string }) =>
      `measure ${p.measure} reads the delivery of step ${p.step}, but ${p.step} is a step that does '${p.kind}' and delivers nothing`,
  },
  "measure-objective": {
    severity: "error",
    message: (p: { measure: string; objective: string; expected: string }) => `the objective '${p.objective}' of measure ${p.measure} must be ${p.expected}`,
  },
  "reconciliation-read": { severity: "error", message: (p: { detail: string }) => p.detail },
  "invalid-schedule": { severity: "error", message: (p: { detail: string }) => p.detail },
  "invalid-lifecycle": { severity: "error", message: (p: { detail: string }) => p.detail },
  "invalid-config": { severity: "error", message: (p: { detail: string }) => p.detail },
  "dsl-syntax": { severity: "error", message: (p: { detail: string }) => p.detail },
  "dsl-unexpected-character": {
    severity: "error",
    message: (p: { text: string }) => `unexpected '${p.text}': not part of any word, number, string or symbol of the sync DSL`,
  },
  "dsl-unterminated-string": {
    severity: "error",
    message: () => "this string is not closed: end it with '\"' on the same line (write a line break as \\n)",
  },
  "dsl-invalid-escape": {
    severity: "error",
    message: (p: { escape: string }) => `'${p.escape}' is not an escape; use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX`,
  },
  "dsl-unterminated-block": {
    severity: "error",
    message: (p: { what: string; close: string }) => `this ${p.what} is never closed: end it with '${p.close}'`,
  },
  "dsl-unknown-keyword": {
    severity: "error",
    message: (p: { word: string; suggestion: string; allowed: string }) =>
      `unknown keyword '${p.word}'; did you mean '${p.suggestion}'? (here: ${p.allowed})`,
  },
  "dsl-unbalanced-braces": { severity: "error", message: (p: { detail: string }) => `the braces in this JSONata block do not balance: ${p.detail}` },
  "unknown-policy": {
    severity: "error",
    message: (p: { name: string }) => `the project file names policy '${p.name}', but no Policy document has that name`,
  },
  "unknown-rule": {
    severity: "error",
    message: (p: { name: string; suggestion?: string; known?: string }) => `unknown lint rule '${p.name}'${didYouMean(p.suggestion, p.known)}`,
  },
  "expired-exception": {
    severity: "error",
    message: (p: { rule: string; target: string; expires: string }) =>
      `the exception to ${p.rule} for ${p.target} expired on ${p.expires}: fix the finding or renew the exception with a reason`,
  },
  "custom-rule-error": { severity: "error", message: (p: { name: string; detail: string }) => `custom rule '${p.name}': ${p.detail}` },
  "rule-module-outside-root": {
    severity: "error",
    message: (p: { name: string; module: string; why: string }) =>
      `custom rule '${p.name}': module '${p.module}' ${p.why}; a rule module runs as code, so it must be a file inside the project root`,
  },
  "rule-module-skipped": {
    severity: "warn",
    message: (p: { name: string }) => `custom rule '${p.name}' was not run: rule modules are off (--no-rule-modules), so whether its checks pass is unknown`,
  },
  "invalid-baseline": { severity: "error", message: (p: { detail: string }) => `cannot read the baseline: ${p.detail}` },
  "mapping-unknown-path": {
    severity: "error",
    message: (p: { path: string; field: string; shape: string; suggestion?: string; known?: string }) =>
      `the mapping reads '${p.path}', but '${p.field}' is not a field of ${p.shape}${didYouMean(p.suggestion, p.known)}`,
  },
  "mapping-missing-field": {
    severity: "error",
    message: (p: { field: string; shape: string }) => `the mapping never sets '${p.field}', a required field of ${p.shape}`,
  },
  "mapping-unknown-target": {
    severity: "error",
    message: (p: { field: string; shape: string; suggestion?: string; known?: string }) =>
      `the mapping sets '${p.field}', which is not a field of ${p.shape}${didYouMean(p.suggestion, p.known)}`,
  },
  "mapping-wrong-type": {
    severity: "error",
    message: (p: { field: string; expected: string; actual: string }) => `'${p.field}' is ${p.expected}, but the mapping puts ${p.actual} there`,
  },
  "mapping-undecidable": { severity: "hint", message: (p: { detail: string }) => `the mapping's types cannot be checked here: ${p.detail}` },
  "missing-path-param": {
    severity: "error",
    message: (p: { operation: string; path: string; param: string }) =>
      `${p.operation} takes '${p.param}' in its path (${p.path}), but neither this step's params nor the request body gives it; add '${p.param}' to the step's params with an expression for its value`,
  },
  "unbound-variable": {
    severity: "error",
    message: (p: { name: string; suggestion?: string; known?: string }) =>
      `'$${p.name}' is not bound at this step: no earlier step enriches the record as '${p.name}'${didYouMean(p.suggestion, p.known)}`,
  },
  "write-back-not-owner": {
    severity: "error",
    message: (p: { system: string; entity: string; field: string; owner: string }) =>
      `${p.system} writes back ${p.entity}.${p.field}, but ${p.owner} owns that field: only its system of record may write it`,
  },
  "write-back-event-entity": {
    severity: "error",
    message: (p: { event: string; entity: string; other: string; by: string }) =>
      `this write-back announces ${p.event} carrying ${p.entity}, but ${p.by} publishes ${p.event} carrying ${p.other}: a canonical event carries one entity; give this write-back an event of its own`,
  },
  "unknown-request-param": {
    severity: "error",
    message: (p: { operation: string; where: "query" | "headers"; param: string; suggestion?: string; known?: string }) =>
      `'${p.param}' is not a ${p.where === "query" ? "query" : "header"} parameter of ${p.operation}${didYouMean(p.suggestion, p.known)}`,
  },
  "missing-request-param": {
    severity: "error",
    message: (p: { operation: string; where: "query" | "headers"; param: string }) =>
      `${p.operation} requires the ${p.where === "query" ? "query" : "header"} parameter '${p.param}', which the step does not give`,
  },
  "request-param-type": {
    severity: "error",
    message: (p: { param: string; type: string; actual: string }) => `the parameter '${p.param}' is ${p.type === "integer" ? "an" : "a"} ${p.type}, but the expression gives ${p.actual}`,
  },
  "unknown-path-param": {
    severity: "error",
    message: (p: { operation: string; path: string; param: string; suggestion?: string; known?: string }) =>
      `'${p.param}' is not a parameter of ${p.operation}'s path (${p.path})${didYouMean(p.suggestion, p.known)}`,
  },
  "condition-never-true": {
    severity: "warn",
    message: (p: { value: string }) =>
      `this condition gives ${p.value}, which is never true, so what it guards never runs; compare it (=, !=, <, in) or test it ($exists)`,
  },
  "invalid-pattern": {
    severity: "error",
    message: (p: { pattern: string; detail: string }) => `'${p.pattern}' is not a valid regular expression: ${p.detail}`,
  },
  "invalid-header-name": {
    severity: "error",
    message: (p: { name: string }) =>
      `'${p.name}' is not a valid HTTP header name: a header name is one or more letters, digits or the characters !#$%&'*+-.^_\`|~`,
  },
  "missing-lookup": {
    severity: "error",
    message: (p: { mapping: string; lookup: string; detail: string }) => `mapping '${p.mapping}' reads the lookup '$${p.lookup}', but ${p.detail}`,
  },
  "mapping-input-mismatch": {
    severity: "error",
    message: (p: { mapping: string; reads: string; record: string; lacking: string; hint: string }) =>
      `mapping '${p.mapping}' reads ${p.reads}, but the record at this step is ${p.record}, which lacks ${p.reads}'s required ${p.lacking}${p.hint}`,
  },
  "keep-record-shape": {
    severity: "error",
    message: (p: { entity: string; record: string }) => `a keep step keeps ${p.entity} records, but the record at this step is ${p.record}: map it to entity ${p.entity} first`,
  },
  "keep-version-type": {
    severity: "error",
    message: (p: { field: string; type: string }) => `the version field '${p.field}' is ${p.type === "integer" ? "an" : "a"} ${p.type}; a version is an integer, a number, a date or a date-time`,
  },
  "release-value": {
    severity: "error",
    message: (p: { field: string; value: string; values: string }) => `the release waits for ${p.field} to be '${p.value}', which it never is: ${p.field} is one of ${p.values}`,
  },
  "release-not-kept": {
    severity: "warn",
    message: (p: { entity: string }) => `the release waits on ${p.entity} records, but no route keeps ${p.entity} records (a keep step), so nothing ever releases it`,
  },
  "lookup-key-count": {
    severity: "error",
    message: (p: { entity: string; identity: string; given: number }) =>
      `${p.entity} is identified by ${p.identity}, but the lookup gives ${p.given} key field${p.given === 1 ? "" : "s"}: give one per identity field, in that order`,
  },
  "records-lookup-match": {
    severity: "error",
    message: (p: { problem: "missing" | "count" | "misplaced"; lookup: string; match?: number; given?: number }) =>
      p.problem === "missing"
        ? "a records lookup names the entity's fields it compares with the key: add 'match', one field per key path (for example match: [projectId] by data.projectId)"
        : p.problem === "count"
          ? `'match' names ${p.match} field(s) but the key gives ${p.given} value(s): one field per key path`
          : `'match' applies to records lookups; a ${p.lookup} lookup finds one record by its identity`,
  },
  "records-lookup-option": {
    severity: "error",
    message: (p: { key: "asOf" | "wait" }) =>
      `'${p.key}' applies to lookups of one record; a records lookup reads every matching record kept so far, and none is an empty list`,
  },
  "lookup-as-of-xref": {
    severity: "error",
    message: (p: { key: "asOf" | "wait" }) =>
      p.key === "asOf"
        ? "'asOf' applies to reference-data lookups: a cross-reference has no validity period"
        : "'wait' applies to reference-data lookups: a missing cross-reference is always waited for",
  },
} as const satisfies Record<string, { severity: Severity; message: (p: never) => string }>;

/** A code in the front end's table. */
export type MessageCode = keyof typeof messages;

/** The parameters a code's message takes. */
export type MessageParams<C extends MessageCode> = Parameters<(typeof messages)[C]["message"]> extends []
  ? Record<string, never>
  : Parameters<(typeof messages)[C]["message"]>[0];
