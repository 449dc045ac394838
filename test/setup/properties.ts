/**
 * Property tests start from a fixed seed, so a run of the suite is repeatable and CI cannot fail
 * on a draw it never made before. `SYNCSPEC_PROPERTY_SEED` picks another seed (an integer), or
 * `random` for a new one each run; fast-check prints the seed and path of any failure, to replay.
 */
import fc from "fast-check";

const chosen = process.env["SYNCSPEC_PROPERTY_SEED"];
if (chosen !== "random") {
  const seed = chosen === undefined ? 20261126 : Number(chosen);
  if (!Number.isInteger(seed)) throw new Error(`SYNCSPEC_PROPERTY_SEED must be an integer or 'random', not '${chosen}'`);
  fc.configureGlobal({ seed });
}
