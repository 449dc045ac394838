/** "Did you mean": the closest name in scope, if one is close enough to be a likely typo. */

/**
 * Edit distance counting an insertion, deletion, substitution or swap of two neighbours as one
 * edit (optimal string alignment), with an early exit once every path exceeds `limit`.
 */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] ?? 0) + 1);
      current.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

/**
 * The candidate closest to `name`: an exact match ignoring case wins, otherwise the smallest edit
 * distance within a third of the name's length (at least 1, at most 4). Undefined when none is close.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.min(4, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    if (candidate.toLowerCase() === lower) return candidate;
    const d = distance(lower, candidate.toLowerCase(), limit);
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** How many known names a message lists before it says how many more there are. */
const KNOWN_LISTED = 12;

/**
 * What to tell someone who wrote `name`: the closest candidate when one is close enough to be a
 * typo, else the candidates themselves (at most a dozen), else nothing when there are none.
 * Spread into the parameters of a message that takes `suggestion` and `known`.
 */
export function nameHint(name: string, candidates: Iterable<string>): { suggestion: string } | { known: string } | Record<string, never> {
  const list = [...new Set(candidates)].filter((c) => c !== name);
  const suggestion = suggest(name, list);
  if (suggestion !== undefined) return { suggestion };
  if (list.length === 0) return {};
  const shown = list.slice(0, KNOWN_LISTED).map((c) => `'${c}'`).join(", ");
  return { known: list.length > KNOWN_LISTED ? `${shown} and ${list.length - KNOWN_LISTED} more` : shown };
}
