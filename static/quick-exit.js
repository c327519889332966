// Quick exit: leave at once for a neutral page, replacing this page in the history so Back
// does not bring it up again. Also on pressing Escape twice within a second, except while a
// text field holds words the person typed here: then Escape-twice would lose the draft, so it
// only points to the Quick exit button (which always leaves). Without JavaScript the link
// still works as a plain link.
(function () {
  "use strict";
  var ESCAPE_WINDOW_MS = 1000;
  var NUDGE_MS = 4000;
  var DRAFT_FIELDS = "textarea, input:not([type]), input[type=text]";
  var link = document.querySelector("a.quick-exit");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.visibility = "hidden";
    window.location.replace(link.href);
  }
  // Words are a draft in a textarea, or in a text field of a form that has one (a story's
  // title); sign-in, search and the like hold no drafts, so there Escape twice always leaves.
  // A draft is unsaved when its words differ from what the page arrived with, or when the
  // page came back refusing the form (.form-errors) with the person's words kept in it.
  function holdsDraft() {
    var refused = document.querySelector(".form-errors") !== null;
    var fields = document.querySelectorAll(DRAFT_FIELDS);
    for (var i = 0; i < fields.length; i += 1) {
      var field = fields[i];
      var inDraftForm = field.tagName === "TEXTAREA" ||
        (field.form !== null && field.form.querySelector("textarea") !== null);
      if (inDraftForm && field.value.trim() !== "" &&
          (refused || field.value !== field.defaultValue)) {
        return true;
      }
    }
    return false;
  }
  var status = null;
  var nudgeTimer = 0;
  function nudge() {
    if (!status) {
      status = document.createElement("p");
      status.className = "quick-exit-note";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "Escape is paused so your words are not lost. " +
      "Press Quick exit to leave now.";
    status.hidden = false;
    link.classList.add("quick-exit--nudge");
    window.clearTimeout(nudgeTimer);
    nudgeTimer = window.setTimeout(function () {
      status.hidden = true;
      link.classList.remove("quick-exit--nudge");
    }, NUDGE_MS);
  }
  link.addEventListener("click", leave);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < ESCAPE_WINDOW_MS) {
      lastEscape = 0;
      if (holdsDraft()) { nudge(); } else { leave(); }
      return;
    }
    lastEscape = now;
  });
})();
