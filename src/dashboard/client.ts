/**
 * The dashboard's small script: issue actions through the API, then a reload. Every change sends
 * the page's CSRF token (from its meta tag) in a header, as JSON.
 */
export const CLIENT_SCRIPT = `
const csrf = document.querySelector('meta[name="syncspec-csrf"]').content;
document.addEventListener("click", async (e) => {
  const b = e.target.closest("button[data-action]");
  if (!b) return;
  const id = b.dataset.id, action = b.dataset.action;
  const why = prompt(action === "skip" ? "Why skip this?" : "Reason for the " + action + ":", action === "skip" ? "" : "fixed upstream");
  if (why === null || (action === "skip" && why.trim() === "")) return;
  const body = { why };
  if (action === "edit") {
    try { body.payload = JSON.parse(document.querySelector('[data-payload="' + id + '"]').value); }
    catch (err) { alert("The payload is not JSON: " + err.message); return; }
  }
  b.disabled = true;
  const r = await fetch("/api/issues/" + id + "/" + action, { method: "POST", headers: { "content-type": "application/json", "x-syncspec-csrf": csrf }, body: JSON.stringify(body), credentials: "same-origin" });
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) { alert(answer.error || ("failed: " + r.status)); b.disabled = false; return; }
  location.reload();
});
`;
