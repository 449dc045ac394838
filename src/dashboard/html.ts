/** HTML building blocks: escaping, and the page frame. Every value from the store is escaped. */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** A tagged template whose interpolations are escaped unless they are `raw(...)`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    const text = Array.isArray(value) ? value.map((v) => (v instanceof Raw ? v.text : escapeHtml(v))).join("") : value instanceof Raw ? value.text : escapeHtml(value);
    out += text + (strings[i + 1] ?? "");
  });
  return new Raw(out);
}

/** Markup that is already safe. */
export class Raw {
  constructor(readonly text: string) {}
}

/** Marks trusted markup (built by `html`) as safe. */
export function raw(text: string): Raw {
  return new Raw(text);
}

/** The dashboard's stylesheet, served as /app.css: the content security policy allows no inline style. */
export const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:baseline}
header h1{font-size:18px;margin:0}header a{color:#9cc3ff}
main{padding:16px 20px;display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 14px}
section.wide{grid-column:1/-1}h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}td,th{padding:3px 6px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}
th{font-weight:600;color:#4a5366}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ok{color:#17813a}.bad{color:#b42318;font-weight:600}.warn{color:#b54708}
.tiles{display:flex;flex-wrap:wrap;gap:10px}.tile{border:1px solid #dde1e7;border-radius:6px;padding:6px 10px;min-width:120px}
.tile b{display:block;font-size:20px}button{font:inherit;padding:1px 8px;margin:1px}
details{margin:2px 0}code{font-size:12px}textarea{width:100%;font:12px monospace}
`;

/** The page frame around `body`; `csrf` is the token the page's script sends with every change. */
export function page(title: string, body: Raw, csrf: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="syncspec-csrf" content="${escapeHtml(csrf)}"><link rel="stylesheet" href="/app.css"></head>
<body><header><h1>${escapeHtml(title)}</h1><a href="/">overview</a><a href="/metrics">metrics</a>
<form action="/trace" method="get"><input name="event" placeholder="event id or trace id" size="28"> <button>trace</button></form></header>
${body.text}<script src="/app.js"></script></body></html>`;
}

/** The sign-in page a browser without the token gets (with a 401): a form that asks for it. */
export function loginPage(title: string, problem?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}: sign in</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body><h1>${escapeHtml(title)}</h1><p>401: a token is required. Paste the dashboard token the operator was given.</p>
${problem === undefined ? "" : `<p><strong>${escapeHtml(problem)}</strong></p>`}
<form action="/login" method="post"><input type="password" name="token" autocomplete="current-password" size="40" aria-label="token"> <button>sign in</button></form></body></html>`;
}
