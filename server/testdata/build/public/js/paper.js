// Paper: what the printable pages need from the browser.
//
//  - Addresses. An element marked data-address holds the address of a page. When
//    config.toml sets site_address, Hugo wrote the full address and nothing is
//    done; otherwise it holds the path alone, and the origin this page was loaded
//    from is put before it, on paper only, so that a printed sheet leads back to
//    the live page.
//  - Checklist ticks. The boxes ticked on a checklist are kept in this browser
//    (localStorage, by the checklist's address and each box's data-tick, so the
//    checklist's page and the booklet share them), ticked again on the next visit,
//    and so printed ticked. "Clear the ticks" unticks them all.
//
// Plain JavaScript, no dependencies, no inline styles (the site's Content-Security-
// Policy allows neither). Without JavaScript nothing visible does nothing: the
// paths print alone, boxes tick for the visit only, and "Clear the ticks" is
// hidden by print.css (@media (scripting: none)).
(function () {
  "use strict";

  var TICKS = "buyin-ticks:"; // + the checklist's address

  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // ---- Addresses. The origin goes in a span of its own that only paper shows
  // (print.css): on screen the path is enough, and text that grew after loading
  // would move the page.
  function fillAddresses() {
    var origin = window.location.origin;
    if (!origin || origin === "null") return; // a file opened from disk: keep the path
    $all("[data-address]").forEach(function (e) {
      var path = e.textContent.trim();
      if (path.charAt(0) !== "/" || path.charAt(1) === "/" || e.querySelector(".address-origin")) return;
      var span = document.createElement("span");
      span.className = "address-origin";
      span.textContent = origin;
      e.insertBefore(span, e.firstChild);
    });
  }

  // ---- A polite live region, so that screen readers hear what a button did.
  var status = null;
  function announce(msg) {
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "";
    setTimeout(function () { status.textContent = msg; }, 50);
  }

  // ---- Ticks. localStorage can be missing or refuse writes (private windows, a
  // full quota): then ticks last as long as the page, as without this file.
  function loadTicks(key) {
    try {
      var v = JSON.parse(window.localStorage.getItem(TICKS + key) || "[]");
      if (Array.isArray(v)) return v.filter(function (t) { return typeof t === "string"; });
    } catch (e) { /* nothing kept */ }
    return [];
  }
  function saveTicks(key, ticked) {
    try {
      if (ticked.length) window.localStorage.setItem(TICKS + key, JSON.stringify(ticked));
      else window.localStorage.removeItem(TICKS + key);
    } catch (e) { /* kept on the page only */ }
  }

  function bindChecklist(list) {
    var key = list.getAttribute("data-checklist");
    var boxes = $all("input[data-tick]", list);
    if (!key || !boxes.length) return null;
    function apply() {
      var ticked = loadTicks(key);
      boxes.forEach(function (b) { b.checked = ticked.indexOf(b.getAttribute("data-tick")) >= 0; });
    }
    function store() {
      saveTicks(key, boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.getAttribute("data-tick"); }));
    }
    list.addEventListener("change", function (ev) {
      if (ev.target && ev.target.hasAttribute("data-tick")) store();
    });
    var clear = list.querySelector("[data-ticks-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        boxes.forEach(function (b) { b.checked = false; });
        store();
        announce("The ticks are cleared.");
      });
    }
    apply();
    return { key: key, apply: apply };
  }

  function init() {
    fillAddresses();
    var lists = $all("[data-checklist]").map(bindChecklist).filter(Boolean);
    // Ticked in another tab (the booklet and the checklist's page share ticks).
    if (lists.length) {
      window.addEventListener("storage", function (ev) {
        lists.forEach(function (l) { if (ev.key === null || ev.key === TICKS + l.key) l.apply(); });
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
