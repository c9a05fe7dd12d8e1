// Search as you type, filter chips, keyboard navigation and meeting mode.
// Plain JavaScript, no dependencies: the intranet has no internet. Without this
// file the search form still works: it submits to /search/, rendered by the server.
(function () {
  "use strict";

  var API = "/api/search";
  var FILTERS = ["type", "stage", "audience", "technique"];
  var FILTER_NAMES = { type: "Type", stage: "Stage", audience: "Audience", technique: "Technique" };
  var DEBOUNCE_MS = 150;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "html") e.innerHTML = attrs[k]; // only for server-escaped snippets
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  // Labels for facet values (slugs), embedded by the search page; slugs otherwise.
  var labels = {};
  try { labels = JSON.parse(($("#facet-labels") || {}).textContent || "{}"); } catch (e) { labels = {}; }
  function label(field, value) { return (labels[field] && labels[field][value]) || value; }

  // ---- Copy, with a fallback: the clipboard API needs a secure context, which
  // an intranet served over plain http is not.
  function copy(text, button) {
    function done() {
      if (!button) return;
      var old = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = old; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { legacyCopy(text); done(); });
    } else { legacyCopy(text); done(); }
  }
  function legacyCopy(text) {
    var t = el("textarea", { readonly: "", style: "position:fixed;opacity:0" });
    t.value = text;
    document.body.appendChild(t);
    t.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(t);
  }

  // ---- Meeting mode: one question filling the screen, with next and previous.
  var meeting = null;
  function buildMeeting() {
    var m = el("div", { "class": "meeting", role: "dialog", "aria-modal": "true", "aria-label": "Meeting mode", hidden: "", "data-meeting": "" });
    m.innerHTML =
      '<div class="meeting-bar"><span data-meeting-pos></span><span data-meeting-meta></span>' +
      '<button type="button" class="secondary" data-meeting-close aria-label="Close meeting mode">Close (Esc)</button></div>' +
      '<p class="meeting-text" data-meeting-text></p><p class="meeting-why" data-meeting-why></p>' +
      '<div class="meeting-actions"><button type="button" class="secondary" data-meeting-prev>← Previous</button>' +
      '<button type="button" data-meeting-copy>Copy question</button>' +
      '<button type="button" class="secondary" data-meeting-next>Next →</button></div>';
    document.body.appendChild(m);
    var state = { list: [], i: 0, returnFocus: null };
    function show() {
      var q = state.list[state.i];
      $("[data-meeting-text]", m).textContent = q.text;
      $("[data-meeting-why]", m).textContent = q.why || "";
      $("[data-meeting-meta]", m).textContent = q.meta || "";
      $("[data-meeting-pos]", m).textContent = (state.i + 1) + " of " + state.list.length;
      $("[data-meeting-prev]", m).disabled = state.i === 0;
      $("[data-meeting-next]", m).disabled = state.i === state.list.length - 1;
    }
    function move(d) {
      var j = state.i + d;
      if (j >= 0 && j < state.list.length) { state.i = j; show(); }
    }
    function close() {
      m.hidden = true;
      document.documentElement.style.overflow = "";
      if (state.returnFocus) state.returnFocus.focus();
    }
    $("[data-meeting-close]", m).addEventListener("click", close);
    $("[data-meeting-prev]", m).addEventListener("click", function () { move(-1); });
    $("[data-meeting-next]", m).addEventListener("click", function () { move(1); });
    $("[data-meeting-copy]", m).addEventListener("click", function (ev) { copy(state.list[state.i].text, ev.currentTarget); });
    m.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); close(); }
      else if (ev.key === "ArrowRight" || ev.key === "PageDown") { ev.preventDefault(); move(1); }
      else if (ev.key === "ArrowLeft" || ev.key === "PageUp") { ev.preventDefault(); move(-1); }
    });
    return {
      open: function (list, i) {
        if (!list.length) return;
        state.list = list; state.i = Math.max(0, Math.min(i, list.length - 1));
        state.returnFocus = document.activeElement;
        show();
        m.hidden = false;
        document.documentElement.style.overflow = "hidden";
        $("[data-meeting-copy]", m).focus();
      },
      isOpen: function () { return !m.hidden; }
    };
  }
  function openMeeting(list, i) {
    meeting = meeting || buildMeeting();
    meeting.open(list, i);
  }

  // ---- Rendering hits.
  function questionFromHit(h) {
    var tmp = el("div", { html: h.snippet || "" });
    return { text: h.title, why: tmp.textContent, meta: [].concat(h.stage || [], h.technique || []).map(function (v) { return v; }).join(" · ") };
  }
  function hitMeta(h) {
    var parts = [h.type];
    if (h.page) parts.push(h.page);
    (h.stage || []).forEach(function (s) { parts.push(label("stage", s)); });
    (h.technique || []).forEach(function (s) { parts.push(label("technique", s)); });
    return parts.join(" · ");
  }
  function renderHits(res, list, idPrefix, onMeeting) {
    list.innerHTML = "";
    var questions = res.hits.filter(function (h) { return h.type === "question"; });
    res.hits.forEach(function (h, i) {
      var li = el("li", { "class": "hit hit-" + h.type, id: idPrefix + i, role: "option", "aria-selected": "false" });
      var a = el("a", { href: h.url, tabindex: "-1" });
      if (h.type === "question") a.appendChild(el("span", { "class": "hit-question", html: h.title_html }));
      else a.innerHTML = h.title_html;
      li.appendChild(a);
      li.appendChild(el("span", { "class": "hit-meta", text: hitMeta(h) }));
      if (h.snippet) li.appendChild(el("p", { "class": "snippet", html: h.snippet }));
      if (h.type === "question") {
        var actions = el("div", { "class": "hit-actions" });
        var c = el("button", { type: "button", "class": "secondary", "data-copy-hit": "", text: "Copy" });
        c.addEventListener("click", function (ev) { ev.preventDefault(); copy(h.title, c); });
        var m = el("button", { type: "button", "class": "secondary", "data-meeting-hit": "", text: "Meeting mode" });
        m.addEventListener("click", function (ev) {
          ev.preventDefault();
          onMeeting(questions.map(questionFromHit), questions.indexOf(h));
        });
        actions.appendChild(c); actions.appendChild(m);
        li.appendChild(actions);
      }
      list.appendChild(li);
    });
  }

  // ---- A search box bound to a results area, with keyboard navigation.
  function SearchBox(input, opts) {
    var timer = null, seq = 0, controller = null, active = -1, lastHits = [];
    var list = opts.list;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function setActive(i) {
      var items = $all(".hit", list);
      items.forEach(function (it, j) { it.setAttribute("aria-selected", j === i ? "true" : "false"); it.classList.toggle("is-active", j === i); });
      active = i;
      if (i >= 0 && items[i]) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function run() {
      var q = input.value;
      if (!q.trim()) { opts.clear(); lastHits = []; return; }
      var params = new URLSearchParams();
      params.set("q", q);
      params.set("size", String(opts.size));
      if (opts.facets) params.set("facets", "true");
      opts.filters().forEach(function (f) { params.append(f[0], f[1]); });
      var mine = ++seq;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(API + "?" + params.toString(), { signal: controller && controller.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (r) {
          if (mine !== seq) return; // a newer search has started
          if (!r.ok) { opts.error(r.body.error || "The search failed."); return; }
          lastHits = r.body.hits;
          opts.render(r.body);
          input.setAttribute("aria-expanded", r.body.hits.length ? "true" : "false");
          setActive(-1);
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") return;
          if (mine === seq) opts.error("Search is unavailable right now. The pages are still here: browse from the home page.");
        });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (ev) {
      var n = lastHits.length;
      if (ev.key === "ArrowDown" && n) { ev.preventDefault(); setActive((active + 1) % n); }
      else if (ev.key === "ArrowUp" && n) { ev.preventDefault(); setActive(active <= 0 ? n - 1 : active - 1); }
      else if (ev.key === "Enter" && active >= 0 && lastHits[active]) { ev.preventDefault(); window.location.href = lastHits[active].url; }
      else if (ev.key === "Escape") {
        if (active >= 0) setActive(-1);
        else if (opts.dismiss) opts.dismiss();
        else { input.value = ""; opts.clear(); }
      }
    });
    return { run: run };
  }

  // ---- The header (and home page) box: a dropdown of live results.
  function bindDropdown(form) {
    var input = $("[data-search-input]", form);
    var box = el("div", { "class": "live-results", hidden: "" });
    var list = el("ol", { "class": "hits", id: input.id + "-hits", role: "listbox", "aria-label": "Search results" });
    box.appendChild(list);
    form.appendChild(box);
    function hide() { box.hidden = true; input.setAttribute("aria-expanded", "false"); }
    var sb = SearchBox(input, {
      list: list, size: 8,
      filters: function () { return []; },
      render: function (res) {
        renderHits(res, list, input.id + "-hit-", openMeeting);
        if (!res.hits.length) list.appendChild(el("li", { "class": "hit", text: "Nothing found. Try other words, or press Enter for the search page." }));
        box.hidden = false;
      },
      error: function (msg) { list.innerHTML = ""; list.appendChild(el("li", { "class": "hit search-error", text: msg })); box.hidden = false; },
      clear: hide,
      dismiss: function () { if (!box.hidden) hide(); else input.blur(); }
    });
    document.addEventListener("click", function (ev) { if (!form.contains(ev.target)) hide(); });
    return sb;
  }

  // ---- The search page: results, filter chips with counts, state in the URL.
  function bindSearchPage(form, results, filtersEl) {
    var input = $("[data-search-input]", form);
    var params = new URLSearchParams(window.location.search);
    var filters = [];
    FILTERS.forEach(function (f) { params.getAll(f).forEach(function (v) { filters.push([f, v]); }); });
    if (input.value === "{{q}}") input.value = "";
    if (params.get("q")) input.value = params.get("q");
    var list = el("ol", { "class": "hits", id: "page-hits", role: "listbox", "aria-label": "Search results" });

    function isOn(f, v) { return filters.some(function (x) { return x[0] === f && x[1] === v; }); }
    function syncURL() {
      var p = new URLSearchParams();
      if (input.value) p.set("q", input.value);
      filters.forEach(function (f) { p.append(f[0], f[1]); });
      history.replaceState(null, "", "?" + p.toString());
    }
    function renderFacets(res) {
      filtersEl.innerHTML = "";
      FILTERS.forEach(function (f) {
        var counts = res.facets[f] || {};
        var values = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); });
        if (!values.length) return;
        var ul = el("ul", { "class": "chips", "aria-label": "Filter by " + FILTER_NAMES[f] });
        ul.appendChild(el("li", { "class": "facet-label", text: FILTER_NAMES[f] }));
        values.forEach(function (v) {
          var b = el("button", { type: "button", "class": "chip", "aria-pressed": isOn(f, v) ? "true" : "false", "data-filter": f + ":" + v },
            [document.createTextNode(label(f, v) + " "), el("span", { "class": "count", text: String(counts[v]) })]);
          b.addEventListener("click", function () {
            if (isOn(f, v)) filters = filters.filter(function (x) { return !(x[0] === f && x[1] === v); });
            else filters.push([f, v]);
            syncURL();
            sb.run();
          });
          ul.appendChild(el("li", {}, [b]));
        });
        filtersEl.appendChild(ul);
      });
    }
    var sb = SearchBox(input, {
      list: list, size: 20, facets: true,
      filters: function () { return filters; },
      render: function (res) {
        syncURL();
        results.innerHTML = "";
        var note = res.total + " result" + (res.total === 1 ? "" : "s") + " for “" + res.query + "”" +
          (res.matched === "any" ? " (no page has every word; showing pages with any of them)" : "");
        results.appendChild(el("p", { "class": "result-count", "data-total": String(res.total), text: note }));
        renderHits(res, list, "page-hit-", openMeeting);
        results.appendChild(list);
        renderFacets(res);
      },
      error: function (msg) { results.innerHTML = ""; results.appendChild(el("p", { "class": "search-error", role: "alert", text: msg })); },
      clear: function () { results.innerHTML = ""; filtersEl.innerHTML = ""; syncURL(); }
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); sb.run(); });
    if (input.value) sb.run();
    return sb;
  }

  // ---- A question's own page: meeting mode through the questions of its technique.
  function bindQuestionPage(card) {
    var button = $("[data-meeting-open]", card);
    var copyBtn = $("[data-copy]", card);
    if (copyBtn) copyBtn.addEventListener("click", function () { copy(copyBtn.getAttribute("data-copy"), copyBtn); });
    if (!button) return;
    button.addEventListener("click", function () {
      var here = { text: $("[data-question-text]", card).textContent.trim(), why: card.getAttribute("data-why") || "", meta: card.getAttribute("data-technique-title") || "" };
      var technique = card.getAttribute("data-technique");
      fetch("/questions/index.json").then(function (r) { return r.json(); }).then(function (data) {
        var same = data.questions.filter(function (q) { return q.technique === technique; });
        var list = same.map(function (q) { return { text: q.text, why: q.why, meta: here.meta }; });
        var i = same.map(function (q) { return q.id; }).indexOf(card.getAttribute("data-qid"));
        openMeeting(list.length ? list : [here], Math.max(0, i));
      }).catch(function () { openMeeting([here], 0); });
    });
    if (window.location.hash === "#meeting") button.click();
  }

  function focusSearch() {
    var input = $("#page-search") || $("#home-search") || $("#site-search");
    if (input) { input.focus(); input.select(); }
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (meeting && meeting.isOpen()) return;
    if ((ev.key === "k" || ev.key === "K") && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); focusSearch(); }
    else if (ev.key === "/" && !typing) { ev.preventDefault(); focusSearch(); }
  });

  function init() {
    var results = $("[data-search-results]");
    $all("[data-search-form]").forEach(function (form) {
      var input = $("[data-search-input]", form);
      if (results && input.id === "page-search") bindSearchPage(form, results, $("[data-search-filters]"));
      else bindDropdown(form);
    });
    $all("[data-question-card]").forEach(bindQuestionPage);
    $all("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
