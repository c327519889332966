// The composer's drafts and previews, on top of forms that work without it.
// - Autosave: a member's story or reply is saved on Hearth (POST /api/v1/me/drafts) a few
//   seconds after typing stops, at least every ~10 s while typing goes on, and when the page
//   is hidden — never in localStorage or sessionStorage: devices are shared.
// - Preview: "Preview" shows the text rendered by the server (POST /api/v1/preview) above
//   the form, in place; without JavaScript the button sends the form and the page comes back
//   with the preview.
(function () {
  "use strict";
  var IDLE_MS = 3000;   // after typing stops
  var MOST_MS = 10000;  // at the longest while typing goes on

  function csrf(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function post(form, path, body, keepalive) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf(form)},
      body: JSON.stringify(body)
    });
  }

  function value(form, name) {
    var field = form.elements.namedItem(name);
    return field && typeof field.value === "string" ? field.value : "";
  }

  function clock(date) {
    return date.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }

  function attachDrafts(form, tools) {
    var status = tools.querySelector("[data-draft-status]");
    var idField = form.elements.namedItem("draft_id");
    var kind = tools.getAttribute("data-draft-kind");
    var threadId = tools.getAttribute("data-thread-id");
    var idle = null, longest = null, saving = false, again = false, sending = false;
    var lastSent = null;

    function draft() {
      var body = {kind: kind, body: value(form, "body"),
                  anonymous: !!(form.elements.namedItem("anonymous") || {}).checked};
      if (idField && idField.value) { body.draft_id = Number(idField.value); }
      if (kind === "reply") {
        body.thread_id = Number(threadId);
        if (value(form, "reply_to")) { body.reply_to = Number(value(form, "reply_to")); }
      } else {
        body.title = value(form, "title");
        body.category = value(form, "category");
        body.content_warning_note = value(form, "content_warning_note");
        body.content_warnings = Array.prototype.map.call(
          form.querySelectorAll("input[name=content_warnings]:checked"),
          function (box) { return box.value; });
      }
      return body;
    }

    function say(text) { if (status) { status.textContent = text; } }

    function save(keepalive) {
      window.clearTimeout(idle); window.clearTimeout(longest);
      idle = longest = null;
      if (sending) { return; }
      var body = draft();
      var text = JSON.stringify(body);
      if (text === lastSent) { return; }
      if (saving) { again = true; return; }  // one save at a time: the next one follows
      saving = true;
      say("Saving your draft…");
      post(form, "/api/v1/me/drafts", body, keepalive).then(function (response) {
        if (!response.ok) { throw response; }
        return response.json();
      }).then(function (answer) {
        lastSent = text;
        if (idField) { idField.value = answer.draft ? answer.draft.id : ""; }
        say(answer.draft ? "Draft saved " + clock(new Date()) : "");
      }).catch(function () {
        say("Your draft couldn't be saved just now; it will be tried again. " +
            "Your words are still here.");
        if (!longest) { longest = window.setTimeout(save, MOST_MS); }
      }).then(function () {
        saving = false;
        if (again) { again = false; save(); }
      });
    }

    function typed() {
      window.clearTimeout(idle);
      idle = window.setTimeout(save, IDLE_MS);
      if (!longest) { longest = window.setTimeout(save, MOST_MS); }
    }

    form.addEventListener("input", typed);
    form.addEventListener("change", typed);
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.hasAttribute("formaction")) { sending = true; }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && (idle || longest)) { save(true); }
    });
    lastSent = JSON.stringify(draft());  // what the page arrived with is already kept
  }

  function attachPreview(form, button) {
    var area = document.querySelector("[data-preview-area]");
    var shown = area && area.querySelector("[data-preview-body]");
    if (!area || !shown) { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      post(form, "/api/v1/preview", {body: value(form, "body")}).then(function (response) {
        if (!response.ok) { throw response; }
        return response.json();
      }).then(function (answer) {
        shown.innerHTML = answer.html;  // rendered and sanitised by the server (nh3)
        area.hidden = false;
        area.scrollIntoView({block: "start"});
      }).catch(function () {
        form.requestSubmit(button);  // the page preview: the server shows it instead
      });
    });
  }

  // The story page's reply box is sent blank (a page view reads no drafts); a draft reply to
  // this story is put back here, unless the member has started typing. Without JavaScript,
  // "Save draft" leads to the reply page, which opens the draft itself.
  function restoreReplyDraft(form, tools) {
    var idField = form.elements.namedItem("draft_id");
    var body = form.elements.namedItem("body");
    var threadId = Number(tools.getAttribute("data-thread-id"));
    if (tools.getAttribute("data-draft-kind") !== "reply" || !idField || idField.value ||
        !body || body.value) { return; }
    fetch("/api/v1/me/drafts", {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      var found = answer && answer.drafts.filter(function (d) {
        return d.kind === "reply" && d.thread_id === threadId;
      })[0];
      if (!found || body.value || idField.value) { return; }
      body.value = found.body;
      idField.value = String(found.id);
      var anonymous = form.elements.namedItem("anonymous");
      if (anonymous && "checked" in anonymous) { anonymous.checked = !!found.anonymous; }
      var status = tools.querySelector("[data-draft-status]");
      if (status) {
        status.textContent = "Your draft from " + clock(new Date(found.updated_at)) +
          " is back.";
      }
    }).catch(function () { /* the box stays blank; the draft is in Your drafts */ });
  }

  document.querySelectorAll(".composer-tools").forEach(function (tools) {
    var form = tools.closest("form");
    if (!form) { return; }
    if (tools.hasAttribute("data-draft-form")) {
      restoreReplyDraft(form, tools);
      attachDrafts(form, tools);
    }
    var button = tools.querySelector("[data-preview]");
    if (button) { attachPreview(form, button); }
  });
})();
