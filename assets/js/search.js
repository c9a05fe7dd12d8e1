// Search as you type, meeting mode, and a search that survives without the server.
// Plain JavaScript, no dependencies (the intranet has no internet), nothing a
// strict Content-Security-Policy blocks (no inline style, no eval).
//
// Results are rendered in one place, the server's template: this script asks for
// GET /search/?q=...&fragment=1 (the markup of the page without JavaScript) and
// puts it in place. Only when the server cannot be reached does it search the
// site's own listings (/questions/index.json and /pages/index.json), and it says so.
// Without this file the search form still works: it submits to /search/.
(function () {
  "use strict";

  var FILTERS = ["type", "stage", "audience", "technique"];
  var doc = document;
  function $(s, r) { return (r || doc).querySelector(s); }
  function $all(s, r) { return Array.prototype.slice.call((r || doc).querySelectorAll(s)); }
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // What the site tells the script (layouts/_partials/site-data.html).
  var site = {};
  try { site = JSON.parse($("#site-data").textContent); } catch (e) { /* labels fall back to ids */ }
  var vocab = site.vocab || {};
  function label(field, v) { var l = (vocab.labels || {})[field]; return (l && l[v]) || v; }
  function kind(t) { return (vocab.singular || {})[t] || t; }

  // ---- Listings, fetched once.
  var cache = {};
  function getJSON(url) {
    if (!url) return Promise.reject(new Error("no listing"));
    return cache[url] || (cache[url] = fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    }).catch(function (e) { delete cache[url]; throw e; }));
  }
  function questions() { return getJSON(site.questions).then(function (d) { return d.questions; }); }
  function qid(url) { var m = /\/questions\/([^\/?#]+)/.exec(url || ""); return m ? m[1] : ""; }

  // ---- Rendered results from the server. Resolves to {ok, busy, frag}: ok is
  // false for a question the server refuses (frag then holds its message), and
  // busy is true when it answered 503 twice: it is up but has no search slot, so
  // the caller keeps what it shows and says so. A first 503 is asked again once,
  // after the wait its Retry-After gives. Rejects when there is no answer, another
  // server error, or a page that is not results (a plain file server answers with
  // the search page itself): that is when the offline fallback is right.
  function fetchResults(action, params, signal, retried) {
    var p = new URLSearchParams(params);
    p.set("fragment", "1");
    return fetch(action + "?" + p, { signal: signal, headers: { Accept: "text/html" } }).then(function (r) {
      if (r.status === 503) {
        if (retried) return { ok: false, busy: true, frag: null };
        var wait = Math.min(10, Math.max(0, parseInt(r.headers.get("Retry-After"), 10) || 1));
        return new Promise(function (done, fail) {
          var timer = setTimeout(function () { fetchResults(action, params, signal, true).then(done, fail); }, wait * 1000);
          if (signal) signal.addEventListener("abort", function () { clearTimeout(timer); fail(new DOMException("aborted", "AbortError")); });
        });
      }
      return r.text().then(function (html) {
        var t = doc.createElement("template");
        t.innerHTML = html;
        if (r.status >= 500 || $("main", t.content) || !$(".result-count, .hits, .search-error", t.content)) {
          throw new Error("search answered " + r.status);
        }
        return { ok: r.ok, busy: false, frag: t.content };
      });
    });
  }
  var BUSY = "Search is busy right now.";

  // ---- Settled searches, for the owners' gap report (record_gaps in config.toml;
  // when it is off the server ignores these). A search counts only once a person
  // has settled on it, never the prefixes typed on the way. The server counts the
  // search page loaded with q itself; a search this script ran is reported here
  // after two seconds without typing, on Enter, or on a click on a result: once
  // per query per page, as one GET of the API marked settled=1, whose answer is
  // not used. shown is the query the page was loaded with (already counted).
  function settler(shown) {
    function fold(q) { return String(q || "").toLowerCase().split(/\s+/).filter(Boolean).join(" "); }
    var last = fold(shown), timer = 0;
    function now(q) {
      clearTimeout(timer);
      if (!fold(q) || fold(q) === last) return;
      last = fold(q);
      fetch("/api/search?" + new URLSearchParams({ q: q, size: "1", settled: "1" }), { keepalive: true }).catch(function () {});
    }
    return { now: now, later: function (q) { clearTimeout(timer); timer = setTimeout(function () { now(q); }, 2000); } };
  }

  // ---- The fallback: words of the query against the questions (text, why) and
  // pages (title, summary); more words found first, then words in titles, then
  // titles with the words as typed.
  var STOP = /^(a|an|and|are|as|at|be|but|by|can|do|for|from|has|have|how|i|if|in|is|it|me|my|no|not|of|on|or|so|that|the|their|them|they|this|to|up|us|was|we|what|when|who|why|will|with|would|you|your)$/;
  function terms(s) {
    return (String(s || "").toLowerCase().match(/[a-z0-9]+/g) || []).filter(function (w) {
      return w.length > 1 && !STOP.test(w);
    }).map(function (w) { return w.length > 4 ? w.replace(/(ing|ed|es|ions?|s|ly)$/, "") : w; });
  }
  function offline(q, n) {
    var want = terms(q), phrase = q.trim().toLowerCase();
    var pages = getJSON(site.pages).then(function (d) { return d.pages; }, function () { return []; });
    return Promise.all([questions(), pages]).then(function (d) {
      var docs = d[0].map(function (x) {
        return { type: "question", title: x.text, url: x.url, body: x.why, meta: label("technique", x.technique) };
      }).concat(d[1].map(function (x) { return { type: x.type, title: x.title, url: x.url, body: x.summary }; }));
      var found = [];
      docs.forEach(function (o) {
        var t = terms(o.title), b = terms(o.body), key = 0;
        want.forEach(function (w) {
          function has(list) { return list.some(function (x) { return x.indexOf(w) === 0 || (x.length > 3 && w.indexOf(x) === 0); }); }
          key += has(t) ? 12 : has(b) ? 11 : 0;
        });
        if (key) found.push({ o: o, key: key + (o.title.toLowerCase().indexOf(phrase) >= 0 ? 6 : 0) });
      });
      found.sort(function (a, b) { return b.key - a.key; });
      return { total: found.length, hits: found.slice(0, n).map(function (f) { return f.o; }) };
    });
  }
  // offlineHits lists fallback hits with the classes of the server's hits.
  function offlineHits(res) {
    var ol = el("ol", "hits");
    res.hits.forEach(function (h) {
      var li = el("li", "hit hit-" + h.type), a = el("a");
      a.href = h.url;
      a.appendChild(h.type === "question" ? el("span", "hit-question", h.title) : doc.createTextNode(h.title));
      li.appendChild(a);
      li.appendChild(el("span", "hit-meta", [kind(h.type), h.meta].filter(Boolean).join(" · ")));
      ol.appendChild(li);
    });
    return ol;
  }
  var OFFLINE = "The search service cannot be reached: this is a simpler search of the questions and pages.";

  // message is a notice with a way on: try again (when it can), or browse.
  function message(cls, text, retry) {
    var p = el("p", cls, text + " ");
    p.setAttribute("role", cls === "search-error" ? "alert" : "status");
    if (retry) {
      var b = el("button", "secondary", "Try again");
      b.type = "button";
      b.addEventListener("click", retry);
      p.appendChild(b);
      p.appendChild(doc.createTextNode(" or "));
    }
    var a = el("a", "", retry ? "browse the playbook" : "Browse the playbook");
    a.href = site.home || "/";
    p.appendChild(a);
    p.appendChild(doc.createTextNode("."));
    return p;
  }
  function put(box, node) { box.textContent = ""; if (node) box.appendChild(node); }

  // ---- Copy, with a fallback: the clipboard API needs a secure context, which
  // an intranet served over plain http is not.
  // "Copied" is said in a live region too, for screen readers: the one in
  // meeting mode while it is open (the page behind is inert), else the page's.
  function liveRegion(root) {
    var r = $(":scope > [data-live]", root);
    if (!r) {
      r = el("p", "visually-hidden");
      r.setAttribute("role", "status");
      r.setAttribute("aria-live", "polite");
      r.setAttribute("data-live", "");
      root.appendChild(r);
    }
    return r;
  }
  function copy(text, button) {
    var was = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", was);
    function done() {
      var live = liveRegion(button.closest("dialog") || doc.body);
      button.textContent = "Copied";
      live.textContent = "Copied: " + text;
      setTimeout(function () { button.textContent = was; live.textContent = ""; }, 1500);
    }
    function legacy() {
      var t = el("textarea", "copy-buffer");
      t.value = text;
      t.setAttribute("readonly", "");
      button.parentNode.appendChild(t);
      t.select();
      try { doc.execCommand("copy"); } catch (e) { /* nothing more to try */ }
      t.remove();
      button.focus();
      done();
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, legacy);
    else legacy();
  }

  // ---- Meeting mode: one question filling the screen, with next and previous.
  // A modal dialog: the page behind is inert, Tab stays inside, Escape closes it
  // wherever focus is, and focus goes back where it was.
  var dlg = null, items = [], at = 0, back = null;
  function meeting(list, i) {
    if (!list.length) return;
    if (!dlg) buildMeeting();
    items = list;
    at = Math.max(0, Math.min(i, list.length - 1));
    back = doc.activeElement;
    if (!dlg.open) dlg.showModal();
    doc.documentElement.classList.add("meeting-open");
    show();
    $("[data-meeting-copy]", dlg).focus();
  }
  // fit shrinks the question's type until the whole question fits between the
  // bar and the buttons (CSS scales it with the window; a long question on a
  // short screen needs less).
  function fit() {
    if (!dlg || !dlg.open) return;
    var text = $("[data-meeting-text]", dlg), box = text.parentNode, size;
    box.style.fontSize = "";
    size = parseFloat(getComputedStyle(box).fontSize);
    function room() {
      var cs = getComputedStyle(box);
      return box.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    }
    while (size > 12 && (text.offsetHeight > room() || text.scrollWidth > box.clientWidth)) {
      size = Math.max(12, Math.floor(size * 0.92));
      box.style.fontSize = size + "px";
    }
  }
  function show() {
    var q = items[at];
    $("[data-meeting-text]", dlg).textContent = q.text;
    $("[data-meeting-why]", dlg).textContent = q.why || "";
    $("[data-meeting-meta]", dlg).textContent = q.meta || "";
    $("[data-meeting-pos]", dlg).textContent = (at + 1) + " of " + items.length;
    $("[data-meeting-prev]", dlg).disabled = at === 0;
    $("[data-meeting-next]", dlg).disabled = at === items.length - 1;
    fit();
    if (!dlg.contains(doc.activeElement) || doc.activeElement.disabled) $("[data-meeting-copy]", dlg).focus();
  }
  function move(d) {
    if (at + d >= 0 && at + d < items.length) { at += d; show(); }
  }
  function buildMeeting() {
    dlg = el("dialog", "meeting");
    dlg.setAttribute("aria-label", "Meeting mode");
    dlg.innerHTML =
      '<div class="meeting-bar"><span class="meeting-pos" data-meeting-pos></span><span class="meeting-meta" data-meeting-meta></span>' +
      '<button type="button" class="secondary" data-meeting-close>Close <kbd>Esc</kbd></button></div>' +
      '<p class="meeting-text"><span data-meeting-text></span></p><p class="meeting-why" data-meeting-why></p>' +
      '<div class="meeting-actions"><button type="button" class="secondary" data-meeting-prev>← Previous</button>' +
      '<button type="button" data-meeting-copy>Copy question</button>' +
      '<button type="button" class="secondary" data-meeting-next>Next →</button></div>';
    doc.body.appendChild(dlg);
    liveRegion(dlg);
    window.addEventListener("resize", fit);
    dlg.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) return;
      if (b.hasAttribute("data-meeting-close")) dlg.close();
      else if (b.hasAttribute("data-meeting-prev")) move(-1);
      else if (b.hasAttribute("data-meeting-next")) move(1);
      else if (b.hasAttribute("data-meeting-copy")) copy(items[at].text, b);
    });
    dlg.addEventListener("close", function () {
      doc.documentElement.classList.remove("meeting-open");
      if (back && back.focus) back.focus();
    });
    doc.addEventListener("keydown", function (ev) {
      if (!dlg.open) return;
      var k = ev.key;
      if (k === "Escape") { ev.preventDefault(); dlg.close(); }
      else if (k === "ArrowRight" || k === "PageDown") { ev.preventDefault(); move(1); }
      else if (k === "ArrowLeft" || k === "PageUp") { ev.preventDefault(); move(-1); }
      else if (k === "Tab") {
        var f = $all("button:not([disabled])", dlg), i = f.indexOf(doc.activeElement);
        ev.preventDefault();
        f[(i < 0 ? 0 : i + (ev.shiftKey ? f.length - 1 : 1)) % f.length].focus();
      }
    }, true);
  }
  // meetingFor opens meeting mode on questions given as [{url, text}], with what
  // the question listing adds (why to ask, the technique).
  function meetingFor(list, i) {
    function open(all) {
      var byId = {};
      (all || []).forEach(function (q) { byId[q.id] = q; });
      meeting(list.map(function (h) {
        var q = byId[qid(h.url)] || {};
        return { text: q.text || h.text, why: q.why || h.why || "", meta: q.technique ? label("technique", q.technique) : h.meta || "" };
      }), i);
    }
    questions().then(open, function () { open([]); });
  }

  // ---- A situation's questions in the order its page lists them: the three to
  // ask first, then the others. root is the page (this one, or one fetched).
  function situationQuestions(root) {
    var h1 = $("h1", root), title = h1 ? h1.textContent.trim() : "";
    return $all(".situation .question-list > li[id]", root).map(function (li) {
      var a = $("a", li), why = $(".why", li);
      return { id: li.id, text: a.textContent.trim(), why: why ? why.textContent.trim() : "", meta: title };
    });
  }
  var pages = {};
  function situationAt(url) {
    return pages[url] || (pages[url] = fetch(url, { headers: { Accept: "text/html" } }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.text();
    }).then(function (html) {
      var t = doc.createElement("template");
      t.innerHTML = html;
      var list = situationQuestions(t.content);
      if (!list.length) throw new Error(url + ": no questions");
      return list;
    }).catch(function (e) { delete pages[url]; throw e; }));
  }
  // situationOf is the situation page a question page was reached from, by the
  // address it came from (same origin only), or "".
  function situationOf(referrer) {
    try {
      var u = new URL(referrer);
      if (u.origin === window.location.origin && /^\/situations\/[^\/]+\/$/.test(u.pathname)) return u.pathname;
    } catch (e) { /* no referrer */ }
    return "";
  }
  // meetingIn opens meeting mode on the question id among a situation's
  // questions, or calls otherwise when it is not one of them.
  function meetingIn(list, id, otherwise) {
    var i = list.map(function (q) { return q.id; }).indexOf(id);
    if (i < 0) otherwise();
    else meeting(list, i);
  }

  // ---- A search box with suggestions (a combobox and its listbox): the header's,
  // the home page's, the not-found page's.
  function dropdown(form) {
    var input = $("[data-search-input]", form), action = form.getAttribute("action");
    var box = el("div", "live-results"), note = el("div"), list = el("ol", "hits"), status = el("p", "visually-hidden");
    var seq = 0, ctl = null, timer = 0, active = -1, settle = settler("");
    box.hidden = true;
    list.id = input.id + "-hits";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    status.setAttribute("role", "status");
    box.appendChild(note);
    box.appendChild(list);
    form.appendChild(box);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function options() { return $all("[role=option]", list); }
    function select(i) {
      var o = options();
      active = i;
      o.forEach(function (x, j) { x.setAttribute("aria-selected", String(j === i)); });
      if (o[i]) { input.setAttribute("aria-activedescendant", o[i].id); o[i].scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }
    function open(yes) {
      box.hidden = !yes;
      input.setAttribute("aria-expanded", String(yes));
      if (!yes) select(-1);
    }
    // option turns a rendered hit into an option: no control inside, the link's
    // address kept for Enter and click.
    function option(li, i) {
      var a = $("a", li);
      if (a) {
        var s = el("span", "hit-title");
        while (a.firstChild) s.appendChild(a.firstChild);
        li.setAttribute("data-url", a.getAttribute("href"));
        a.parentNode.replaceChild(s, a);
      }
      $all("a, button", li).forEach(function (x) { x.remove(); });
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      list.appendChild(li);
    }
    function fill(hits, total, q, said) {
      put(note, said);
      list.textContent = "";
      $all(":scope > li", hits).forEach(option);
      var all = el("li", "hit hit-all", total ? "All " + plural(total, "result") + " for “" + q + "” →" : "Search the whole playbook for “" + q + "” →");
      all.setAttribute("data-url", action + "?" + new URLSearchParams({ q: q }));
      option(all, "all");
      status.textContent = (said ? said.textContent + " " : "") + plural(total, "result");
      select(-1);
      open(true);
    }
    function run() {
      var q = input.value, mine = ++seq;
      if (ctl) ctl.abort();
      if (!q.trim()) { open(false); return; }
      ctl = window.AbortController ? new AbortController() : null;
      fetchResults(action, { q: q, size: "6" }, ctl && ctl.signal).then(function (r) {
        if (mine !== seq) return;
        if (r.busy) { put(note, message("search-error", BUSY, run)); open(true); return; } // the suggestions shown stay
        var c = $(".result-count", r.frag);
        fill($(".hits", r.frag) || el("ol"), c ? +c.getAttribute("data-total") : 0, q, r.ok ? null : $(".search-error", r.frag));
      }).catch(function (err) {
        if (mine !== seq || err.name === "AbortError") return;
        offline(q, 6).then(function (res) {
          if (mine === seq) fill(offlineHits(res), res.total, q, message("search-note", OFFLINE));
        }, function () {
          if (mine === seq) fill(el("ol"), 0, q, message("search-error", "Search is unavailable right now.", run));
        });
      });
    }
    function go(o) {
      var u = o.getAttribute("data-url");
      if (u.indexOf(action + "?") !== 0) settle.now(input.value); // the search page counts itself
      open(false);
      window.location.href = u;
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    input.addEventListener("keydown", function (ev) {
      var n = options().length, k = ev.key;
      if ((k === "ArrowDown" || k === "ArrowUp") && n) {
        ev.preventDefault();
        open(true);
        select(k === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
      } else if (k === "Enter" && !box.hidden && active >= 0) {
        ev.preventDefault();
        go(options()[active]);
      } else if (k === "Escape") {
        ev.preventDefault(); // the browser's own Escape would empty the box
        open(false);
      }
    });
    input.addEventListener("focus", function () { if (options().length && input.value.trim()) open(true); });
    list.addEventListener("mousedown", function (ev) { ev.preventDefault(); }); // focus stays in the box
    list.addEventListener("click", function (ev) { var o = ev.target.closest("[role=option]"); if (o) go(o); });
    form.addEventListener("focusout", function (ev) { if (!form.contains(ev.relatedTarget)) open(false); });
  }

  // ---- The search page: the server's results stay until new ones replace them;
  // typing, filters and paging fetch the rendered results and keep the state in
  // the address.
  function searchPage(form, results) {
    var input = $("[data-search-input]", form), action = form.getAttribute("action");
    var status = $("[data-search-status]"), note = $("[data-search-notice]");
    var current = new URLSearchParams(window.location.search);
    var seq = 0, ctl = null, timer = 0, settle = settler(current.get("q"));
    // The page's title names the query, as the server writes it: "q – Search – Site".
    var cut = doc.title.lastIndexOf("Search – "), baseTitle = cut >= 0 ? doc.title.slice(cut) : doc.title;
    current.delete("fragment");
    if (input.value === "{{q}}") input.value = current.get("q") || ""; // a plain file server leaves the marker

    function load(p, how, then) {
      var mine = ++seq;
      function retry() { load(p, how, then); }
      if (ctl) ctl.abort();
      ctl = window.AbortController ? new AbortController() : null;
      results.classList.add("is-loading");
      fetchResults(action, p, ctl && ctl.signal).then(function (r) {
        if (mine !== seq) return;
        if (r.busy) { results.classList.remove("is-loading"); put(note, message("search-error", BUSY, retry)); return; } // results kept
        if (r.ok) { put(note); show(r.frag, p, how, then); }
        else { results.classList.remove("is-loading"); put(note, r.frag); } // the server's message; results kept
      }).catch(function (err) {
        if (mine !== seq || err.name === "AbortError") return;
        offline(p.get("q"), 20).then(function (res) {
          if (mine !== seq) return;
          var f = doc.createDocumentFragment(), c = el("p", "result-count", plural(res.total, "result") + " for “" + p.get("q") + "” in the listings");
          c.setAttribute("data-total", res.total);
          f.appendChild(c);
          f.appendChild(offlineHits(res));
          put(note, message("search-note", OFFLINE, retry));
          show(f, p, how, then);
        }, function () {
          if (mine !== seq) return;
          results.classList.remove("is-loading");
          put(note, message("search-error", "Search is unavailable right now.", retry));
        });
      });
    }
    function show(f, p, how, then) {
      var d = $(".facets", results), wasOpen = d && d.open;
      put(results, f);
      results.classList.remove("is-loading");
      if (wasOpen && (d = $(".facets", results))) d.open = true;
      current = p;
      if (how) window.history[how + "State"](null, "", "?" + p);
      var q = (p.get("q") || "").trim().replace(/\s+/g, " ");
      doc.title = q ? q + " – " + baseTitle : baseTitle;
      var c = $(".result-count", results);
      status.textContent = c ? plural(+c.getAttribute("data-total"), "result") : "";
      if (then) then();
    }
    // filterOf is the filter a chip switches: the one value in its link or in the
    // shown results' parameters but not both.
    function filterOf(a, p) {
      var h = new URLSearchParams((a.getAttribute("href") || "").slice(1)), key = "";
      FILTERS.forEach(function (f) {
        var x = h.getAll(f), y = p.getAll(f);
        x.concat(y).forEach(function (v) { if ((x.indexOf(v) < 0) !== (y.indexOf(v) < 0)) key = f + "=" + v; });
      });
      return key;
    }
    function typed() {
      var q = input.value;
      clearTimeout(timer);
      if (!q.trim()) return; // nothing to search: what is shown stays
      var p = new URLSearchParams();
      p.set("q", q);
      FILTERS.forEach(function (f) { current.getAll(f).forEach(function (v) { p.append(f, v); }); });
      load(p, "replace");
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(typed, 200); settle.later(input.value); });
    // The arrow keys move through the results' titles (and the answer's
    // questions), from the box down; Escape goes back to the box.
    function links() { return $all(".hits > li > a:first-child, .answer-questions > li > a:first-child", results); }
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") ev.preventDefault();
      else if (ev.key === "ArrowDown" && links().length) { ev.preventDefault(); links()[0].focus(); }
    });
    results.addEventListener("keydown", function (ev) {
      var l = links(), i = l.indexOf(doc.activeElement), k = ev.key;
      if (k === "Escape") { ev.preventDefault(); input.focus(); }
      else if (i < 0 || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      else if (k === "ArrowDown" && i < l.length - 1) { ev.preventDefault(); l[i + 1].focus(); }
      else if (k === "ArrowUp") { ev.preventDefault(); (i > 0 ? l[i - 1] : input).focus(); }
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); typed(); settle.now(input.value); });
    results.addEventListener("click", function (ev) {
      var a = ev.target.closest("a"), li = a && a.closest(".hits > li");
      if (!a || ev.button || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      if (a.hasAttribute("data-meeting-hit") && a.closest(".answer")) {
        // The answer's questions: meeting mode through the situation's questions.
        var ans = a.closest(".answer"), title = $(".answer-title", ans), id = qid(a.getAttribute("href"));
        var three = $all(".answer-questions > li > a:first-child", ans).map(function (x) {
          return { id: qid(x.getAttribute("href")), text: x.textContent.trim(), why: "", meta: title.textContent.trim() };
        });
        ev.preventDefault();
        situationAt(title.getAttribute("href")).then(function (list) {
          meetingIn(list, id, function () { meetingIn(three, id, function () {}); });
        }, function () { meetingIn(three, id, function () {}); });
        return;
      }
      if (a.hasAttribute("data-meeting-hit")) {
        var qs = $all(".hits > li.hit-question", results);
        ev.preventDefault();
        meetingFor(qs.map(function (x) {
          var link = $("a", x), t = $(".hit-question", x);
          return { url: link.getAttribute("href"), text: (t || link).textContent.trim() };
        }), qs.indexOf(li));
        return;
      }
      var href = a.getAttribute("href") || "";
      if (href.charAt(0) !== "?") { if (li) settle.now(input.value); return; } // a page of the site: go there
      ev.preventDefault();
      var p = new URLSearchParams(href.slice(1)), key = filterOf(a, current), pager = a.closest(".pager");
      if (!a.closest(".facets")) key = "";
      input.value = p.get("q") || input.value;
      load(p, "push", function () {
        var chip = key && $all(".facets a", results).filter(function (c) { return filterOf(c, p) === key; })[0];
        var c = $(".result-count", results);
        if (chip) { chip.closest(".facets").open = true; chip.focus(); }
        else if (pager && c) { c.tabIndex = -1; c.focus(); }
      });
    });
    note.addEventListener("click", function (ev) { // the server's "try again" link
      var a = ev.target.closest("a[href='']");
      if (a) { ev.preventDefault(); load(current); }
    });
    window.addEventListener("popstate", function () {
      var p = new URLSearchParams(window.location.search);
      input.value = p.get("q") || "";
      if (input.value) load(p);
    });
    if (current.get("q") && !$(".result-count, .search-error", results)) load(current); // a plain file server
  }

  // ---- A question's own page: meeting mode through the questions of the
  // situation it was reached from, or else of its technique.
  function questionPage(card) {
    var button = $("[data-meeting-open]", card), copier = $("[data-copy]", card);
    if (copier) copier.addEventListener("click", function () { copy(copier.getAttribute("data-copy"), copier); });
    if (!button) return;
    button.addEventListener("click", function () {
      var here = { text: $("[data-question-text]", card).textContent.trim(), why: card.getAttribute("data-why"), meta: card.getAttribute("data-technique-title") };
      var technique = card.getAttribute("data-technique"), id = card.getAttribute("data-qid");
      function byTechnique() {
        questions().then(function (all) {
          var same = all.filter(function (q) { return q.technique === technique; });
          var i = same.map(function (q) { return q.id; }).indexOf(id);
          if (i < 0) throw new Error("not listed");
          meeting(same.map(function (q) { return { text: q.text, why: q.why, meta: here.meta }; }), i);
        }).catch(function () { meeting([here], 0); });
      }
      var from = situationOf(doc.referrer);
      if (!from) { byTechnique(); return; }
      situationAt(from).then(function (list) { meetingIn(list, id, byTechnique); }, byTechnique);
    });
    if (window.location.hash === "#meeting") button.click();
  }

  // "/" or Ctrl+K: to the search box.
  doc.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    var input = $("[data-search-input]");
    if (!input || (dlg && dlg.open)) return;
    if (((ev.key === "k" || ev.key === "K") && (ev.ctrlKey || ev.metaKey)) || (ev.key === "/" && !typing)) {
      ev.preventDefault();
      input.focus();
      input.select();
    }
  });

  function init() {
    var results = $("[data-search-results]");
    $all("[data-search-form]").forEach(function (form) {
      if (results && $("#page-search", form)) searchPage(form, results);
      else dropdown(form);
    });
    $all("[data-question-card]").forEach(questionPage);
    // A situation's page: meeting mode through its questions, in the page's order.
    $all(".situation [data-meeting-open]").forEach(function (b) {
      b.addEventListener("click", function () { meeting(situationQuestions(doc), 0); });
    });
    $all("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
