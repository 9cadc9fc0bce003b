"""An HTML page to review a run: every document with its removed blocks shown in place.

`ReviewWriter(path)` takes each cleaned document with `add(name, clean_text, report)` (the
`on_result` of `run.run`) and streams its data to a temporary file, so memory stays bounded;
`close()` writes one self-contained page (inline CSS and JavaScript, the data embedded as
JSON, no network) to a temporary name and renames it into place. The page renders one page
of documents at a time from the embedded data, so that it opens quickly with 10,000 documents.
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import IO, Any

from .emit import restored_blocks
from .files import temporary
from .types import CATEGORIES

#: Documents the page renders at once.
PAGE_SIZE = 50
#: Documents listed in the summary as those with the most blocks removed.
TOP = 10
#: Where the page template takes the data.
_DATA = "@DATA@"


def blocks_of(text: str, report: dict[str, Any]) -> list[str | list[Any]]:
    """The document's blocks in order: a kept block as its text, a removed one as
    [text, category, score, reason].

    >>> blocks_of("Title\\n\\nBody.", {"blocks": 3, "separator": "\\n\\n", "removed": [
    ...     {"index": 1, "text": "Leave a Reply", "category": "comments", "score": 1.0, "reason": "rule:x"}]})
    ['Title', ['Leave a Reply', 'comments', 1.0, 'rule:x'], 'Body.']
    """
    return [b if isinstance(b, str) else [b["text"], b["category"], b["score"], b["reason"]]
            for b in restored_blocks(text, report)]


def embed(value: Any) -> str:
    """Compact JSON that is safe inside a <script> element: no `<`, so no `</script>` or `<!--`.

    >>> embed({"text": "</script>"})
    '{"text":"\\\\u003c/script>"}'
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


class ReviewWriter:
    """Gathers the documents of a run and writes their review page at `close()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._totals: Counter[str] = Counter()
        self._removed: Counter[str] = Counter()
        self._top: list[tuple[int, int, str]] = []  # (removed, -position, name): a min-heap of the TOP largest

    def add(self, name: str, text: str, report: dict[str, Any]) -> None:
        """Add one cleaned document: its clean text and its removal report."""
        position = self._totals["documents"]
        doc: dict[str, Any] = {"name": name, "kind": report["kind"], "blocks": blocks_of(text, report)}
        doc.update((key, report[key]) for key in ("metadata", "notes") if report[key])
        self._data.write(("," if position else "") + embed(doc) + "\n")
        self._totals.update(documents=1, blocks=report["blocks"], kept=report["kept"],
                            removed=report["removed_count"])
        self._removed.update(report["removed_by_category"])
        entry = (report["removed_count"], -position, name)
        if len(self._top) < TOP:
            heapq.heappush(self._top, entry)
        else:
            heapq.heappushpop(self._top, entry)

    def summary(self) -> dict[str, Any]:
        """The run's counts, as the page shows them."""
        extra = sorted(set(self._removed) - set(CATEGORIES))
        return {
            "totals": {key: self._totals[key] for key in ("documents", "blocks", "kept", "removed")},
            "categories": [*CATEGORIES, *extra],
            "removed_by_category": dict(self._removed),
            "top": [[-minus, name, n] for n, minus, name in sorted(self._top, reverse=True) if n],
            "page_size": PAGE_SIZE,
        }

    def close(self) -> None:
        """Write the page, so that it appears complete or not at all."""
        head, tail = PAGE.split(_DATA)
        tmp = temporary(self.path)
        try:
            with open(tmp, "w", encoding="utf-8") as page:
                page.write(head + '{"summary":' + embed(self.summary()) + ',"docs":[\n')
                self._data.seek(0)
                shutil.copyfileobj(self._data, page)
                page.write("]}" + tail)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
            self._data.close()


PAGE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>cleaner review</title>
<style>
:root { --fg: #1f2933; --muted: #6b7580; --line: #e2e5e9; --c: #6b7280; color: var(--fg); background: #f5f6f8;
        font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; }
.cat-ad { --c: #dc2626; } .cat-notice { --c: #d97706; } .cat-comments { --c: #7c3aed; } .cat-related { --c: #2563eb; }
.cat-offtopic { --c: #a16207; } .cat-caption { --c: #0d9488; } .cat-social { --c: #db2777; }
body > header { background: #111827; color: #fff; padding: 12px 28px;
                display: flex; gap: 14px; align-items: baseline; }
body > header h1 { font-size: 18px; margin: 0; font-weight: 650; }
body > header span { color: #9ca3af; font-size: 14px; }
main { max-width: 1320px; margin: 0 auto; padding: 18px 28px 40px; }
h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 10px; }
#summary { display: grid; grid-template-columns: 1fr 1.25fr 1.1fr; gap: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; min-width: 0; }
#stats { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.stat b { display: block; font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat span { color: var(--muted); font-size: 13px; }
.bar { display: grid; grid-template-columns: 78px 1fr 52px; gap: 8px; align-items: center;
       font-size: 13px; margin: 5px 0; }
.track { background: #eef0f3; border-radius: 4px; height: 12px; overflow: hidden; }
.fill { display: block; height: 100%; background: var(--c); border-radius: 4px; }
.count { text-align: right; font-variant-numeric: tabular-nums; }
ol { margin: 0; padding: 0; list-style: none; font-size: 13px; }
ol li { margin: 3px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
ol .n { display: inline-block; min-width: 3.2em; }
#top .n { min-width: 6.5em; }
a { color: #1d4ed8; text-decoration: none; } a:hover { text-decoration: underline; }
.n { color: var(--muted); font-variant-numeric: tabular-nums; }
#toolbar { position: sticky; top: 0; z-index: 2; background: rgba(245, 246, 248, .96);
           border-bottom: 1px solid var(--line); padding: 10px 0; margin-top: 10px; font-size: 13px;
           display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; }
#cats { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { display: inline-flex; align-items: center; gap: 5px;
        border: 1px solid color-mix(in srgb, var(--c) 35%, white);
        background: color-mix(in srgb, var(--c) 8%, white); color: color-mix(in srgb, var(--c) 80%, black);
        border-radius: 999px; padding: 1px 9px; font-size: 12.5px; white-space: nowrap; }
.chip input { accent-color: var(--c); margin: 0; }
.chip small { opacity: .75; }
#search { width: 220px; padding: 5px 9px; border: 1px solid #cfd4da; border-radius: 6px; font: inherit; }
#min-score { vertical-align: middle; width: 110px; }
.pager { margin-left: auto; display: flex; gap: 8px; align-items: center; }
button { font: inherit; padding: 4px 11px; border: 1px solid #cfd4da; border-radius: 6px;
         background: #fff; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
#layout { display: grid; grid-template-columns: 240px 1fr; gap: 20px; margin-top: 16px; }
#layout aside { position: sticky; top: 64px; align-self: start; max-height: calc(100vh - 80px); overflow: auto; }
.doc { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 16px;
       scroll-margin-top: 70px; }
.doc.focus { outline: 2px solid #2563eb; }
.doc header { padding: 12px 18px; border-bottom: 1px solid var(--line); }
.doc h3 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
.facts { color: var(--muted); font-size: 12.5px; margin: 5px 0 0;
         display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.text { padding: 8px 18px 14px; }
.text p { margin: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.text p.rm { border-left: 3px solid var(--c); background: color-mix(in srgb, var(--c) 7%, white); color: #525c66;
             padding: 2px 8px; border-radius: 0 4px 4px 0; cursor: pointer; }
.rm del { text-decoration-color: var(--c); text-decoration-thickness: 1.5px; }
.tag { margin-left: 8px; font-size: 11px; font-weight: 650; color: var(--c); white-space: nowrap; }
.why { display: none; font-size: 12px; color: var(--muted); }
.rm.open .why { display: block; }
mark { background: #fde68a; color: inherit; border-radius: 2px; }
.empty { color: var(--muted); padding: 30px; text-align: center; }
@media (max-width: 900px) { #summary, #layout { grid-template-columns: 1fr; } #layout aside { display: none; } }
</style>
</head>
<body>
<header><h1>cleaner review</h1><span id="subtitle"></span></header>
<main>
<section id="summary">
  <div class="card"><h2>Run</h2><div id="stats"></div></div>
  <div class="card"><h2>Removed by category</h2><div id="bars"></div></div>
  <div class="card"><h2>Most removed</h2><ol id="top"></ol></div>
</section>
<nav id="toolbar">
  <div id="cats" title="Removed blocks shown, by category"></div>
  <label>min score <input id="min-score" type="range" min="0" max="1" step="0.05" value="0">
    <output id="min-score-value">0.00</output></label>
  <input id="search" type="search" placeholder="Search names and text" aria-label="Search">
  <label><input id="only-removed" type="checkbox"> only documents with shown removals</label>
  <span class="pager">
    <button id="prev">&lsaquo; Prev</button><span id="page-info"></span><button id="next">Next &rsaquo;</button>
  </span>
</nav>
<div id="layout">
  <aside><h2>On this page</h2><ol id="toc"></ol></aside>
  <section id="docs"></section>
</div>
<noscript>This page needs JavaScript.</noscript>
</main>
<script type="application/json" id="data">@DATA@</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const S = DATA.summary, DOCS = DATA.docs, PAGE = S.page_size;
const $ = (id) => document.getElementById(id);
const fmt = (n) => n.toLocaleString("en-US");
const state = {cats: new Set(S.categories), min: 0, query: "", onlyRemoved: false, page: 0};
let shown = DOCS.map((_, i) => i);  // the documents that pass the search and "only removals"
let haystacks = null;  // each document's name and text in lower case, made at the first search

// Text goes into the page only as text nodes and attribute values, never as HTML.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  node.append(...children);
  return node;
}
const textOf = (block) => typeof block === "string" ? block : block[0];
const isShown = (block) => typeof block !== "string" && state.cats.has(block[1]) && block[2] >= state.min;
const chip = (category, text) => el("span", {class: "chip cat-" + category}, text);

function marked(text) {
  const q = state.query, lower = text.toLowerCase();
  if (!q || lower.length !== text.length) return [text];
  const out = [];
  let at = 0, k;
  while ((k = lower.indexOf(q, at)) !== -1) {
    out.push(text.slice(at, k), el("mark", {}, text.slice(k, k + q.length)));
    at = k + q.length;
  }
  out.push(text.slice(at));
  return out;
}

function renderSummary() {
  const t = S.totals, byCat = S.removed_by_category;
  $("subtitle").textContent = `${fmt(t.documents)} documents · ${fmt(t.removed)} of ${fmt(t.blocks)} blocks removed`;
  document.title = `cleaner review · ${fmt(t.documents)} documents`;
  const share = t.blocks ? ` · ${(100 * t.removed / t.blocks).toFixed(1)}%` : "";
  $("stats").append(...[["documents", ""], ["blocks", ""], ["kept", ""], ["removed", share]].map(([key, note]) =>
    el("div", {class: "stat"}, el("b", {id: "stat-" + key}, fmt(t[key])), el("span", {}, key + note))));
  const most = Math.max(1, ...S.categories.map((c) => byCat[c] || 0));
  $("bars").append(...S.categories.map((c) => el("div", {class: "bar cat-" + c, "data-category": c},
    el("span", {}, c),
    el("span", {class: "track"}, el("span", {class: "fill", style: `width: ${100 * (byCat[c] || 0) / most}%`})),
    el("span", {class: "count"}, fmt(byCat[c] || 0)))));
  $("top").append(...S.top.map(([i, name, n]) =>
    el("li", {}, el("span", {class: "n"}, `${fmt(n)} removed`), el("a", {href: "#doc-" + i}, name))));
  if (!S.top.length) $("top").append(el("li", {class: "n"}, "nothing removed"));
}

function renderControls() {
  $("cats").append(...S.categories.map((c) => {
    const box = el("input", {type: "checkbox", value: c, checked: ""});
    box.addEventListener("change", () => { box.checked ? state.cats.add(c) : state.cats.delete(c); update(false); });
    return el("label", {class: "chip cat-" + c}, box, c, el("small", {}, fmt(S.removed_by_category[c] || 0)));
  }));
  $("min-score").addEventListener("input", (e) => {
    state.min = Number(e.target.value);
    $("min-score-value").textContent = state.min.toFixed(2);
    update(false);
  });
  let timer;
  $("search").addEventListener("input", (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.query = e.target.value.trim().toLowerCase(); update(true); }, 150);
  });
  $("only-removed").addEventListener("change", (e) => { state.onlyRemoved = e.target.checked; update(true); });
  $("prev").addEventListener("click", () => { state.page--; render(); scrollTo(0, $("toolbar").offsetTop); });
  $("next").addEventListener("click", () => { state.page++; render(); scrollTo(0, $("toolbar").offsetTop); });
  addEventListener("hashchange", showHash);
}

function refilter() {
  const q = state.query;
  if (q && !haystacks) haystacks = DOCS.map((d) => (d.name + "\n" + d.blocks.map(textOf).join("\n")).toLowerCase());
  shown = [];
  DOCS.forEach((d, i) => {
    if (q && !haystacks[i].includes(q)) return;
    if (state.onlyRemoved && !d.blocks.some(isShown)) return;
    shown.push(i);
  });
}

function update(firstPage) {
  refilter();
  if (firstPage) state.page = 0;
  render();
}

function renderDoc(i) {
  const d = DOCS[i], counts = {};
  let removed = 0;
  for (const b of d.blocks) if (typeof b !== "string") { counts[b[1]] = (counts[b[1]] || 0) + 1; removed++; }
  const head = el("header", {},
    el("h3", {}, el("a", {href: "#doc-" + i, class: "n"}, `#${i + 1}`), " ", ...marked(d.name)),
    el("p", {class: "facts"},
      `${d.kind} · ${d.blocks.length} blocks · ${d.blocks.length - removed} kept · ${removed} removed`,
      ...Object.entries(counts).map(([c, n]) => chip(c, `${c} ${n}`))));
  const metadata = Object.entries(d.metadata || {}).map(([key, value]) => `${key}: ${value}`);
  if (metadata.length) head.append(el("p", {class: "facts"}, metadata.join(" · ")));
  if (d.notes) head.append(el("p", {class: "facts"}, "notes: " + d.notes.join("; ")));
  const body = el("div", {class: "text"});
  for (const b of d.blocks) {
    if (typeof b === "string") { body.append(el("p", {}, ...marked(b))); continue; }
    if (!isShown(b)) continue;
    const [text, category, score, reason] = b;
    const p = el("p", {class: "rm cat-" + category, "data-category": category,
                       title: `${category} · score ${score.toFixed(4)} · ${reason} (click to pin)`},
      el("del", {}, ...marked(text)), el("span", {class: "tag"}, `${category} ${score.toFixed(2)}`),
      el("span", {class: "why"}, `${category} · score ${score.toFixed(4)} · ${reason}`));
    p.addEventListener("click", () => p.classList.toggle("open"));
    body.append(p);
  }
  return el("article", {class: "doc", id: "doc-" + i}, head, body);
}

function render() {
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  state.page = Math.min(Math.max(state.page, 0), pages - 1);
  const slice = shown.slice(state.page * PAGE, (state.page + 1) * PAGE);
  $("docs").replaceChildren(...slice.map(renderDoc));
  if (!slice.length) $("docs").append(el("p", {class: "empty"}, "No document matches."));
  $("toc").replaceChildren(...slice.map((i) =>
    el("li", {}, el("span", {class: "n"}, `#${i + 1}`), el("a", {href: "#doc-" + i}, DOCS[i].name))));
  $("page-info").textContent =
    `${fmt(shown.length)} of ${fmt(DOCS.length)} documents · page ${state.page + 1} of ${fmt(pages)}`;
  $("prev").disabled = state.page === 0;
  $("next").disabled = state.page >= pages - 1;
}

// #doc-N: show the page holding document N, clearing the search if it hides it.
function showHash() {
  const match = /^#doc-(\d+)$/.exec(location.hash), i = match ? Number(match[1]) : -1;
  if (!(i >= 0 && i < DOCS.length)) return;
  if (!shown.includes(i)) {
    state.query = $("search").value = "";
    state.onlyRemoved = $("only-removed").checked = false;
    refilter();
  }
  state.page = Math.floor(shown.indexOf(i) / PAGE);
  render();
  const node = $("doc-" + i);
  node.classList.add("focus");
  node.scrollIntoView();
}

renderSummary();
renderControls();
render();
showHash();
document.body.dataset.ready = "true";
performance.mark("review-ready");  // time to the first page rendered, for measurements
</script>
</body>
</html>
"""

__all__ = ["PAGE_SIZE", "ReviewWriter", "blocks_of", "embed"]
