// Reading helpers; the pages work without them.
//
// 1. Anchors clear the sticky header: its real height (which changes with the window's
//    width, as its links wrap) becomes --sticky-header, which scroll-padding-top uses, so a
//    post reached by a link (#post-12) or by Tab starts below the header, not under it.
// 2. "Mark as read": when the reader reaches the end of a thread's page, the page's own
//    "Mark as read up to here" form is sent in the background (once). The page view itself
//    writes nothing.
(function () {
  "use strict";
  var root = document.documentElement;

  function stickyHeight() {
    var header = document.querySelector(".site-header");
    if (!header) return 0;
    var style = window.getComputedStyle(header);
    if (style.position !== "sticky" && style.position !== "fixed") return 0;
    return Math.ceil(header.getBoundingClientRect().height);
  }

  function measure() {
    var height = stickyHeight();
    if (height > 0) root.style.setProperty("--sticky-header", height + "px");
    else root.style.removeProperty("--sticky-header");
  }

  function reveal() {
    if (!location.hash || location.hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView({block: "start"});
  }

  function markRead() {
    var form = document.querySelector("form[data-mark-read]");
    if (!form || !window.fetch || !window.URLSearchParams) return;
    var sent = false;
    var waiting = false;
    // Reached once the form's top is above the window's bottom — however the reader got
    // there (a jump past it to the reply box counts too).
    function check() {
      waiting = false;
      if (sent || form.getBoundingClientRect().top > window.innerHeight) return;
      sent = true;
      window.removeEventListener("scroll", onScroll);
      fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form)),
                          credentials: "same-origin", redirect: "manual"}).then(function () {
        var button = form.querySelector("button");
        if (button) { button.textContent = "Marked as read"; button.disabled = true; }
      }, function () { sent = false; window.addEventListener("scroll", onScroll, {passive: true}); });
    }
    function onScroll() {
      if (!waiting) { waiting = true; window.requestAnimationFrame(check); }
    }
    window.addEventListener("scroll", onScroll, {passive: true});
    check();
  }

  function start() {
    measure();
    reveal();
    markRead();
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(measure);
    });
    window.addEventListener("hashchange", function () { measure(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
