/* The website's only script: results as you type on the search page, in-page normalisation with entry
   cards on mentions and a copy button, and for editors sign-in, the edit form and revert. Every reading
   page works without it (plain GET and POST forms); editing needs it, since the token lives in the tab. */
"use strict";

const LANG_LABELS = [["zh-Hans", "简", "Chinese (simplified)"], ["zh-Hant", "繁", "Chinese (traditional)"],
                     ["ja", "日", "Japanese"]];

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of [].concat(children || [])) node.append(c);
  return node;
}

/* -- search: the same two API calls as the server-side search (service/web.py search()) -------- */

function resultItem(e) {
  const names = LANG_LABELS.filter(([tag]) => e.names[tag]).map(([tag, short, long]) =>
    el("div", {}, [el("dt", {title: long, lang: tag}, short), el("dd", {lang: tag}, e.names[tag])]));
  return el("li", {class: "result"}, [
    el("div", {class: "result-head"}, [
      el("a", {class: "result-name", href: "/entries/" + encodeURIComponent(e.id), lang: "en"}, e.names.en || e.id),
      " ", el("span", {class: "type type-" + e.type}, e.type)]),
    el("dl", {class: "names-inline"}, names),
    el("p", {class: "desc"}, e.description)]);
}

async function fetchResults(q, type) {
  const limit = 20;
  const params = (extra) => new URLSearchParams(Object.assign({variants: "none"}, type ? {type} : {}, extra));
  if (!q) {
    if (!type) return [];
    const page = await (await fetch("/v1/entries?" + params({per_page: limit}))).json();
    return page.items;
  }
  const [ranked, listed] = await Promise.all([
    fetch("/v1/lookup?" + params({q, limit})).then((r) => r.json()),
    fetch("/v1/entries?" + params({q, per_page: limit})).then((r) => r.json())]);
  const seen = new Set(), out = [];
  for (const e of (ranked.matches || []).map((m) => m.entry).concat(listed.items || [])) {
    if (!seen.has(e.id) && out.length < limit) { seen.add(e.id); out.push(e); }
  }
  return out;
}

function setupSearch() {
  const form = document.getElementById("search-form");
  if (!form) return;
  const q = form.elements.q, type = form.elements.type;
  const list = document.getElementById("results"), status = document.getElementById("status");
  let timer = null, serial = 0;
  async function update() {
    const mine = ++serial, query = q.value.trim(), t = type.value;
    const url = new URL(location.href);
    url.search = new URLSearchParams(Object.assign(query ? {q: query} : {}, t ? {type: t} : {}));
    history.replaceState(null, "", url);
    let results;
    try {
      results = await fetchResults(query, t);
    } catch (err) {
      status.textContent = "The search failed; press Enter to search without the live results.";
      return;
    }
    if (mine !== serial) return;  // a newer keystroke already asked
    list.replaceChildren(...results.map(resultItem));
    const empty = document.getElementById("empty");
    if (empty) empty.remove();
    document.querySelector(".about")?.remove();
    status.textContent = (query || t)
      ? (results.length ? `${results.length} result${results.length === 1 ? "" : "s"}${results.length === 20 ? " (the first 20)" : ""}`
                        : `Nothing in the glossary matches “${query}”.`)
      : "";
  }
  q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(update, 150); });
  type.addEventListener("change", update);
  q.addEventListener("keydown", (ev) => {  // arrow down from the box moves into the results
    if (ev.key === "ArrowDown") { const first = list.querySelector("a"); if (first) { ev.preventDefault(); first.focus(); } }
  });
  list.addEventListener("keydown", (ev) => {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    const links = [...list.querySelectorAll("a.result-name")], i = links.indexOf(document.activeElement);
    if (i < 0) return;
    ev.preventDefault();
    if (ev.key === "ArrowUp" && i === 0) q.focus();
    else links[Math.max(0, Math.min(links.length - 1, i + (ev.key === "ArrowDown" ? 1 : -1)))].focus();
  });
}

/* -- normalise: post the form in the page, swap in the server's result; hovering or focusing a mention
   shows its entry's card, a click (or Enter) opens the entry ---------------------------------------- */

let openCard = null;

function closeCard() {
  if (openCard) { openCard.card.remove(); openCard.anchor.removeAttribute("aria-describedby"); openCard = null; }
}

function showCard(anchor) {
  const id = anchor.dataset.entry;
  const source = id && document.getElementById("card-" + id);
  if (!source) return false;
  if (openCard && openCard.anchor === anchor) return true;
  closeCard();
  const card = source.cloneNode(true);
  card.id = "card-open";
  document.body.append(card);
  const box = anchor.getBoundingClientRect();
  const left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - card.offsetWidth - 8);
  card.style.left = Math.max(8, left) + "px";
  card.style.top = (window.scrollY + box.bottom + 6) + "px";
  anchor.setAttribute("aria-describedby", "card-open");
  openCard = {anchor, card};
  card.addEventListener("mouseleave", (ev) => { if (ev.relatedTarget !== anchor) closeCard(); });
  return true;
}

function setupMentions(root) {
  for (const a of root.querySelectorAll("#source-out a.mention[data-entry]")) {
    a.addEventListener("mouseenter", () => showCard(a));
    a.addEventListener("mouseleave", (ev) => { if (!(openCard && openCard.card.contains(ev.relatedTarget))) closeCard(); });
    a.addEventListener("focus", () => showCard(a));
    a.addEventListener("blur", () => closeCard());
  }
  const copy = root.querySelector("#copy"), out = root.querySelector("#rewritten");
  if (copy && out) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      const status = root.querySelector("#copy-status");
      try {
        await navigator.clipboard.writeText(out.value);
      } catch (err) {
        out.select();
        document.execCommand("copy");
      }
      status.textContent = "Copied.";
      setTimeout(() => { status.textContent = ""; }, 2500);
    });
  }
}

function setupNormalize() {
  const form = document.getElementById("normalize-form");
  if (!form) return;
  const result = document.getElementById("result");
  async function submit() {
    if (!form.elements.text.value.trim()) return;
    closeCard();
    const response = await fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form))});
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("result");
    const error = page.querySelector(".error");
    document.querySelector(".error")?.remove();
    if (error) form.after(error);
    result.replaceChildren(...(fresh ? fresh.childNodes : []));
    const lang = page.getElementById("text")?.getAttribute("lang");
    if (lang) form.elements.text.setAttribute("lang", lang);
    setupMentions(result);
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(); });
  for (const name of ["target", "name_order"]) form.elements[name].addEventListener("change", submit);
  form.elements.text.addEventListener("keydown", (ev) => {  // Ctrl+Enter normalises
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); submit(); }
  });
  setupMentions(document);
}

document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeCard(); });
document.addEventListener("click", (ev) => {
  if (openCard && !openCard.card.contains(ev.target) && !openCard.anchor.contains(ev.target)) closeCard();
});
/* -- curation: an editor's token in sessionStorage, sent only as Authorization: Bearer to this origin's
   write API; the edit form sends the page's ETag in If-Match and shows a stale edit instead of saving it -- */

const TOKEN_KEY = "jcglossary-token";

function token() { return sessionStorage.getItem(TOKEN_KEY); }

async function api(method, path, body, headers) {
  const init = {method, headers: Object.assign({Authorization: "Bearer " + token()}, headers || {}),
                credentials: "same-origin"};
  if (body !== undefined) init.body = JSON.stringify(body);
  return fetch(new URL(path, location.origin), init);  // always this service: the token goes nowhere else
}

async function problemText(response) {
  try { const p = await response.json(); return p.detail || p.title || response.statusText; }
  catch (err) { return response.statusText; }
}

function setupSignin(onChange) {
  const box = document.getElementById("signin");
  if (!box) return;
  const form = document.getElementById("signin-form"), signed = document.getElementById("signed-in");
  function show() {
    const t = token();
    form.hidden = !!t;
    signed.hidden = !t;
    if (t) document.getElementById("token-tail").textContent = t.slice(-4);
    onChange(!!t);
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = form.elements.token.value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    form.reset();
    show();
    document.getElementById("signout").focus();
  });
  document.getElementById("signout").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    show();
    form.elements.token.focus();
  });
  box.hidden = false;
  show();
}

/* The entry as the store holds it now: its newest revision (the snapshot the reads use may lag a moment). */
async function savedVersion(id) {
  const history = await (await fetch(`/v1/entries/${encodeURIComponent(id)}/history`)).json();
  const last = history.revisions[history.revisions.length - 1];
  const response = await fetch(`/v1/entries/${encodeURIComponent(id)}?variants=none&revision=${last.revision}`);
  return {last, entry: await response.json(), etag: response.headers.get("ETag")};
}

function setupEdit() {
  const root = document.getElementById("edit");
  if (!root) return;
  const form = document.getElementById("edit-form"), status = document.getElementById("edit-status");
  const conflict = document.getElementById("conflict"), id = root.dataset.entryId;
  const fields = [form.elements.description, ...form.querySelectorAll("input[data-tag]")];
  setupSignin((signedIn) => { form.hidden = !signedIn; });

  function valueOf(entry, field) {
    return field.dataset.tag ? (entry.names || {})[field.dataset.tag] || "" : entry.description || "";
  }
  function label(field) { return field.dataset.tag ? "names " + field.dataset.tag : "description"; }
  function patch() {  // a JSON Merge Patch of what this editor changed: an emptied name is removed
    const out = {};
    for (const f of fields) {
      if (f.value === f.defaultValue) continue;
      if (f.dataset.tag) (out.names = out.names || {})[f.dataset.tag] = f.value.trim() || null;
      else out.description = f.value;
    }
    return out;
  }
  function load(entry, etag, revision) {  // the form now edits this version
    for (const f of fields) { f.value = valueOf(entry, f); f.defaultValue = f.value; }
    root.dataset.etag = etag;
    root.dataset.revision = revision;
    for (const span of root.querySelectorAll(".js-revision")) span.textContent = revision;
  }

  async function showConflict() {
    const saved = await savedVersion(id);
    const rows = [];
    for (const f of fields) {
      const now = valueOf(saved.entry, f), mine = f.dataset.tag ? f.value.trim() : f.value;
      if (now === mine) continue;
      const lang = f.dataset.tag || "en";
      rows.push(el("tr", {class: f.value !== f.defaultValue ? "yours-changed" : ""}, [
        el("th", {scope: "row"}, label(f)),
        el("td", {class: "saved"}, now ? el("span", {lang}, now) : el("em", {}, "(none)")),
        el("td", {class: "yours"}, mine ? el("span", {lang}, mine) : el("em", {}, "(none)"))]));
    }
    document.getElementById("conflict-rows").replaceChildren(...rows);
    document.getElementById("conflict-who").textContent =
      `${saved.last.author} saved revision ${saved.last.revision} at ${saved.last.at.replace("T", " ").replace("Z", " UTC")}, ` +
      `after this page was loaded (revision ${root.dataset.revision}). Your changes were not saved.`;
    conflict.hidden = false;
    conflict.focus();
    conflict.dataset.etag = saved.etag;
    conflict.dataset.revision = saved.last.revision;
    conflict.saved = saved.entry;
  }
  document.getElementById("conflict-load").addEventListener("click", () => {
    load(conflict.saved, conflict.dataset.etag, conflict.dataset.revision);
    conflict.hidden = true;
    status.textContent = `The form now shows revision ${root.dataset.revision}.`;
    form.elements.description.focus();
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = patch();
    if (!Object.keys(body).length) { status.textContent = "Nothing changed."; return; }
    status.textContent = "Saving…";
    let response;
    try {
      response = await api("PATCH", `/v1/entries/${encodeURIComponent(id)}`, body,
                           {"Content-Type": "application/merge-patch+json", "If-Match": root.dataset.etag});
    } catch (err) {
      status.textContent = "Not saved: the service did not answer.";
      return;
    }
    if (response.ok) {
      const entry = await response.json();
      load(entry, response.headers.get("ETag"), entry.revision);
      conflict.hidden = true;
      status.replaceChildren(`Saved as revision ${entry.revision}. `,
        el("a", {href: `/entries/${encodeURIComponent(id)}/history`}, "See the history"));
    } else if (response.status === 412) {
      status.textContent = "Not saved: the entry changed since this page was loaded.";
      await showConflict();
    } else if (response.status === 401) {
      status.textContent = "Not saved: " + await problemText(response) + " Sign out and sign in with a valid token.";
    } else {
      status.textContent = `Not saved (${response.status}): ` + await problemText(response);
    }
  });
}

function setupRevert() {
  const root = document.getElementById("history");
  if (!root) return;
  const buttons = root.querySelectorAll("[data-revert]"), status = document.getElementById("revert-status");
  setupSignin((signedIn) => { for (const b of buttons) b.parentElement.hidden = !signedIn; });
  for (const b of buttons) {
    b.addEventListener("click", async () => {
      const revision = Number(b.dataset.revert);
      status.textContent = `Reverting to revision ${revision}…`;
      const response = await api("POST", `/v1/entries/${encodeURIComponent(root.dataset.entryId)}/revert`,
                                 {revision}, {"Content-Type": "application/json", "If-Match": root.dataset.etag});
      if (response.ok) {
        status.textContent = `Reverted: revision ${(await response.json()).revision} restores revision ${revision}.`;
        location.reload();
      } else if (response.status === 412) {
        status.textContent = "Not reverted: the entry changed since this page was loaded. Reload the page to see the change.";
      } else if (response.status === 403) {
        status.textContent = "Not reverted: only an admin's token may revert. " + await problemText(response);
      } else {
        status.textContent = `Not reverted (${response.status}): ` + await problemText(response);
      }
    });
  }
}

setupSearch();
setupNormalize();
setupEdit();
setupRevert();
