/* Moderation pages: keyboard shortcuts on the queue, and "tick all". Everything here also
   works without JavaScript through the page's own buttons and links; this only saves
   keystrokes. The shortcuts are listed on the page (the "Keyboard shortcuts" box, or ?). */
(function () {
  "use strict";
  var form = document.getElementById("queue-form");
  if (!form) { return; }
  document.documentElement.classList.add("js");
  var items = Array.prototype.slice.call(form.querySelectorAll(".queue-item"));
  var current = -1;

  items.forEach(function (item) { item.setAttribute("tabindex", "-1"); });

  function select(index) {
    if (!items.length) { return; }
    index = Math.max(0, Math.min(items.length - 1, index));
    if (current >= 0 && items[current]) { items[current].classList.remove("is-current"); }
    current = index;
    items[current].classList.add("is-current");
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function within(selector) {
    return current >= 0 ? items[current].querySelector(selector) : null;
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" && target.type !== "checkbox" || tag === "TEXTAREA" ||
      tag === "SELECT" || (target && target.isContentEditable);
  }

  var selectAll = form.querySelector("[data-select-all]");
  if (selectAll) {
    selectAll.addEventListener("click", function () {
      var boxes = form.querySelectorAll("input[name='post_ids']");
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
      selectAll.textContent = all ? selectAll.getAttribute("data-tick-label") || selectAll.textContent
        : "Untick all";
    });
    selectAll.setAttribute("data-tick-label", selectAll.textContent);
  }

  items.forEach(function (item, index) {
    item.addEventListener("focusin", function () {
      if (current !== index) {
        if (current >= 0 && items[current]) { items[current].classList.remove("is-current"); }
        current = index;
        item.classList.add("is-current");
      }
    });
  });

  var help = document.getElementById("shortcuts");
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        typing(event.target)) { return; }
    var key = event.key;
    var target = null;
    if (key === "j") { select(current + 1); }
    else if (key === "k") { select(current < 0 ? 0 : current - 1); }
    else if (key === "?") { if (help) { help.open = !help.open; } }
    else if (key === "x") { target = within("input[name='post_ids']"); if (target) { target.checked = !target.checked; } }
    else if (key === "a") { target = within("[data-shortcut='approve']"); if (target) { target.click(); } }
    else if (key === "r") { target = within("[data-shortcut='reject']"); if (target) { target.click(); } }
    else if (key === "o" || (key === "Enter" && event.target === items[current])) {
      target = within("[data-shortcut='open']"); if (target) { target.click(); }
    }
    else { return; }
    event.preventDefault();
  });

  // Sent back after handling an item: the next one (now first) has the focus, so "a" or
  // "r" acts on it at once. After the page has loaded, or the browser's own move to the
  // #queue-items anchor would come after ours.
  if (window.location.hash === "#queue-items" && items.length) {
    if (document.readyState === "complete") { select(0); }
    else { window.addEventListener("load", function () { select(0); }); }
  }
})();
