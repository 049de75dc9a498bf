/* The website's only script: results as you type on the search page, in-page normalisation with entry
   cards on mentions and a copy button. Every page works without it (plain GET and POST forms). */
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
setupSearch();
setupNormalize();
