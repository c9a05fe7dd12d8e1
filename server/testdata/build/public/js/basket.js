// The basket: questions picked with "Add to basket", kept in this browser
// (localStorage), printed as cut-out cards or as one list from /basket/?ids=...
// Plain JavaScript, no dependencies, no inline styles (the site's Content-Security-
// Policy allows neither). Without JavaScript the buttons are not shown (assets/css/noscript.css),
// and /basket/?ids=a,b,c is answered by the server with those cards.
(function () {
  "use strict";

  var KEY = "buyin-basket";
  var MAX = 60; // the server prints at most this many (package printsheet)
  var BASKET = "/basket/";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }

  // ---- Storage: a list of {id, text}, in the order the questions were added.
  // localStorage can be missing or refuse writes (private windows, full quota):
  // then the basket lives as long as the page.
  var memory = [];
  function load() {
    try {
      var v = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      if (Array.isArray(v)) return v.filter(function (q) { return q && typeof q.id === "string"; });
    } catch (e) { /* fall through */ }
    return memory.slice();
  }
  function save(list) {
    memory = list.slice();
    try { window.localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* kept in memory */ }
    render();
  }
  function has(id) { return load().some(function (q) { return q.id === id; }); }
  function add(id, text) {
    var list = load();
    if (list.some(function (q) { return q.id === id; })) return true;
    if (list.length >= MAX) { announce("The basket is full: it holds " + MAX + " questions. Remove one to add another."); return false; }
    list.push({ id: id, text: text });
    save(list);
    announce("Added to the basket. " + count(list.length) + " in the basket.");
    return true;
  }
  function remove(id) {
    var list = load().filter(function (q) { return q.id !== id; });
    save(list);
    announce("Removed from the basket. " + count(list.length) + " in the basket.");
  }
  function count(n) { return n + " question" + (n === 1 ? "" : "s"); }

  // Addresses the server prints from.
  function printURL(ids, asList) {
    return BASKET + "?ids=" + ids.map(encodeURIComponent).join(",") + (asList ? "&as=list" : "");
  }

  // ---- A polite live region, so that screen readers hear what a button did.
  var status = null;
  function announce(msg) {
    if (!status) {
      status = el("p", { "class": "visually-hidden", role: "status", "aria-live": "polite" });
      document.body.appendChild(status);
    }
    status.textContent = "";
    setTimeout(function () { status.textContent = msg; }, 50);
  }

  // ---- The count in the corner, a link to the basket page.
  var pill = null;
  function renderPill(list) {
    if (window.location.pathname === BASKET) return;
    if (!pill) {
      pill = el("a", { "class": "basket-pill", href: BASKET, hidden: "" });
      document.body.appendChild(pill);
    }
    pill.textContent = "Basket: " + count(list.length);
    pill.hidden = list.length === 0;
  }

  // ---- "Add to basket" buttons: toggles, pressed while the question is in.
  function bindButton(b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var id = b.getAttribute("data-basket-add");
      if (has(id)) remove(id);
      else add(id, b.getAttribute("data-basket-text") || id);
    });
  }
  function renderButtons() {
    $all("[data-basket-add]").forEach(function (b) {
      b.setAttribute("aria-pressed", has(b.getAttribute("data-basket-add")) ? "true" : "false");
    });
  }

  // A question's own page has the button beside Copy and Meeting mode (its
  // template puts it there, so nothing moves); an older page gets it here.
  function bindQuestionPage(card) {
    var actions = $(".card-actions", card);
    var id = card.getAttribute("data-qid");
    if (!actions || !id || $("[data-basket-add]", actions)) return;
    var text = ($("[data-question-text]", card) || {}).textContent || id;
    var b = el("button", { type: "button", "class": "basket-add secondary", "data-basket-add": id, "data-basket-text": text.trim(), "aria-pressed": "false" },
      ["Add to basket"]);
    actions.appendChild(b);
    bindButton(b);
  }

  // ---- The basket page (/basket/ without ids): what is in it, and how to print it.
  var known = null; // id -> question, from /questions/index.json, once fetched
  function renderPage(box, list) {
    box.innerHTML = "";
    if (!list.length) {
      box.appendChild(el("p", {}, ["Your basket is empty. Add questions with the ",
        el("strong", { text: "Add to basket" }), " button beside any question on a technique, situation or question page."]));
      return;
    }
    var ok = list.filter(function (q) { return !known || known[q.id]; });
    var gone = list.filter(function (q) { return known && !known[q.id]; });
    box.appendChild(el("p", { "class": "basket-count", text: count(ok.length) + " in your basket, kept in this browser." }));
    var ol = el("ol", { "class": "basket-items", "aria-label": "Questions in your basket" });
    list.forEach(function (q, i) {
      var current = known && known[q.id];
      var text = current ? current.text : q.text;
      var li = el("li", { "data-basket-item": q.id });
      li.appendChild(el("a", { href: "/questions/" + encodeURIComponent(q.id) + "/", text: text }));
      if (known && !current) li.appendChild(document.createTextNode(" (no longer in the playbook; it will not print)"));
      var rm = el("button", { type: "button", "class": "secondary", "data-basket-remove": q.id }, ["Remove", el("span", { "class": "visually-hidden", text: ": " + text })]);
      rm.addEventListener("click", function () {
        remove(q.id);
        // Keep the keyboard where it was: on the next item's button, or the heading.
        var next = $all("[data-basket-remove]", box)[Math.min(i, load().length - 1)];
        if (next) next.focus();
        else { var h = $("h1"); if (h) { h.setAttribute("tabindex", "-1"); h.focus(); } }
      });
      li.appendChild(rm);
      ol.appendChild(li);
    });
    box.appendChild(ol);
    if (gone.length) box.appendChild(el("p", { text: count(gone.length) + " in the basket " + (gone.length === 1 ? "is" : "are") + " no longer in the playbook and will not print." }));
    if (!ok.length) return;

    var ids = ok.map(function (q) { return q.id; });
    var actions = el("p", { "class": "basket-actions" });
    actions.appendChild(el("a", { "class": "button", href: printURL(ids, false), "data-basket-print": "cards", text: "Print as cut-out cards" }));
    actions.appendChild(el("a", { "class": "button", href: printURL(ids, true), "data-basket-print": "list", text: "Print as one list" }));
    var empty = el("button", { type: "button", "class": "secondary", "data-basket-empty": "" }, ["Empty the basket"]);
    empty.addEventListener("click", function () {
      save([]);
      announce("The basket is empty.");
      var h = $("h1"); if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
    });
    actions.appendChild(empty);
    box.appendChild(actions);

    var share = new URL(printURL(ids, false), window.location.href).href;
    var label = el("label", { "for": "basket-share", text: "Share or bookmark this basket: anyone with the link gets these cards." });
    var input = el("input", { id: "basket-share", type: "text", readonly: "", value: share, "data-basket-share": "" });
    var copyBtn = el("button", { type: "button", "class": "secondary" }, ["Copy link"]);
    copyBtn.addEventListener("click", function () {
      function done() { copyBtn.textContent = "Copied"; announce("Copied the basket's link."); setTimeout(function () { copyBtn.textContent = "Copy link"; }, 1500); }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(share).then(done, function () { input.select(); try { document.execCommand("copy"); } catch (e) { /* selected: the user can copy */ } done(); });
      } else { input.focus(); input.select(); try { document.execCommand("copy"); } catch (e) { /* selected */ } done(); }
    });
    box.appendChild(el("p", {}, [label]));
    box.appendChild(el("div", { "class": "basket-share" }, [input, copyBtn]));
  }

  // A basket link opened where the server does not answer it (a static copy of the
  // site) lands here: offer to take its questions into this browser's basket.
  function offerImport(box) {
    var ids = new URLSearchParams(window.location.search).getAll("ids").join(",").split(",")
      .concat(new URLSearchParams(window.location.search).getAll("id"))
      .map(function (s) { return s.trim(); }).filter(Boolean);
    if (!ids.length) return;
    var b = el("button", { type: "button", "data-basket-import": "" }, ["Add the " + count(ids.length) + " in this link to my basket"]);
    b.addEventListener("click", function () {
      ids.forEach(function (id) { add(id, (known && known[id] && known[id].text) || id); });
      history.replaceState(null, "", BASKET);
      b.parentNode.removeChild(b);
    });
    box.parentNode.insertBefore(el("p", {}, [b]), box);
  }

  var page = null;
  function render() {
    var list = load();
    renderButtons();
    renderPill(list);
    if (page) renderPage(page, list);
  }

  function init() {
    $all("[data-basket-add]").forEach(bindButton);
    $all("[data-question-card]").forEach(bindQuestionPage);
    page = $("[data-basket]");
    if (page) {
      offerImport(page);
      fetch("/questions/index.json").then(function (r) { return r.json(); }).then(function (data) {
        known = {};
        data.questions.forEach(function (q) { known[q.id] = q; });
        render();
      }).catch(function () { /* show the stored texts */ });
    }
    render();
    // Another tab changed the basket.
    window.addEventListener("storage", function (ev) { if (ev.key === KEY) render(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
