/**
 * `application/x-www-form-urlencoded` bodies with nested keys, the way Chargebee (and Rails-style
 * APIs) read them: an object's fields as `billing_address[first_name]=Ann`, a list's items by
 * index. Chargebee puts the index last for lists of objects (`item_prices[item_price_id][0]`,
 * `charges[amount][1]`), so that is the default; `index-first` gives `lines[0][amount]`.
 */

/** Where a list item's index goes in a key. */
export type ArrayStyle = "index-last" | "index-first";

/** Options of `formPairs` and `encodeForm`. */
export interface FormOptions {
  arrayStyle?: ArrayStyle;
}

/** A value of a form body: a string, number or boolean, or objects and lists of them; null and undefined are left out. */
export type FormValue = string | number | boolean | bigint | null | undefined | readonly FormValue[] | { readonly [key: string]: FormValue };

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`a form value must be a finite number, not ${value}`);
    return Number.isInteger(value) && Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The key/value pairs of a body, keys unencoded (`billing_address[first_name]`), in field order. */
export function formPairs(body: Readonly<Record<string, unknown>>, options: FormOptions = {}): [string, string][] {
  const style = options.arrayStyle ?? "index-last";
  const out: [string, string][] = [];
  // `suffix` carries the index of an enclosing list for index-last keys.
  const walk = (key: string, value: unknown, suffix: string, depth: number): void => {
    if (depth > 32) throw new TypeError(`the form body is nested deeper than 32 levels at ${key}`);
    const text = scalar(value);
    if (text !== undefined) {
      out.push([`${key}${suffix}`, text]);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (isRecord(item) && style === "index-last") walk(key, item, `[${index}]${suffix}`, depth + 1);
        else walk(`${key}[${index}]`, item, suffix, depth + 1);
      });
      return;
    }
    if (isRecord(value)) {
      for (const [field, sub] of Object.entries(value)) walk(`${key}[${field}]`, sub, suffix, depth + 1);
      return;
    }
    if (value !== null && value !== undefined) throw new TypeError(`a form value must be a string, number, boolean, object or list, not ${typeof value} at ${key}`);
  };
  for (const [field, value] of Object.entries(body)) walk(field, value, "", 0);
  return out;
}

/** Encodes a body as `application/x-www-form-urlencoded` text (WHATWG serialisation: brackets escaped, spaces as `+`). */
export function encodeForm(body: Readonly<Record<string, unknown>>, options: FormOptions = {}): string {
  return new URLSearchParams(formPairs(body, options)).toString();
}
