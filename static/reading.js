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
    if (!form || !("IntersectionObserver" in window) || !window.fetch) return;
    var sent = false;
    var observer = new IntersectionObserver(function (entries) {
      if (sent || !entries.some(function (e) { return e.isIntersecting; })) return;
      sent = true;
      observer.disconnect();
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                          redirect: "manual"}).then(function () {
        var button = form.querySelector("button");
        if (button) { button.textContent = "Marked as read"; button.disabled = true; }
      }, function () { sent = false; });
    });
    observer.observe(form);
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
