// While someone writes, check the draft for crisis language (POST /api/v1/safety/check,
// nothing stored) and, if it sounds heavy, show a gentle card with help for their region,
// the lines for what the draft is about first (the server orders them).
// It never blocks posting. Without JavaScript the same check happens when the post is sent.
(function () {
  "use strict";
  var WAIT_MS = 900;

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function describe(resource) {
    var item = document.createElement("li");
    var name = document.createElement("strong");
    name.textContent = resource.name;
    item.appendChild(name);
    var digits = function (n) { return n.replace(/[^0-9+]/g, ""); };
    var same = resource.phone && resource.text && digits(resource.phone) === digits(resource.text);
    var body = resource.text_keyword ? "?body=" + encodeURIComponent(resource.text_keyword) : "";
    if (resource.phone) {
      item.appendChild(document.createTextNode(" — call "));
      item.appendChild(link("tel:" + digits(resource.phone),
                            resource.phone_display || resource.phone));
    }
    if (same) {  // one number for both: "call 1-833-852-6262 or text it"
      item.appendChild(document.createTextNode(" or "));
      item.appendChild(link("sms:" + digits(resource.text) + body, "text it"));
    } else if (resource.text) {
      item.appendChild(document.createTextNode((resource.phone ? ", text " : " — text ") +
        (resource.text_keyword ? resource.text_keyword + " to " : "")));
      item.appendChild(link("sms:" + digits(resource.text) + body,
                            resource.text_display || resource.text));
    }
    if (!resource.phone && !resource.text && resource.website) {
      item.appendChild(document.createTextNode(" — "));
      item.appendChild(link(resource.website, resource.website.replace(/^https:\/\//, "")));
    }
    return item;
  }

  function attach(field) {
    var token = field.form && field.form.querySelector("input[name=csrf_token]");
    var card = document.createElement("div");
    card.className = "care-card";
    card.hidden = true;
    card.setAttribute("role", "status");
    field.insertAdjacentElement("afterend", card);
    var timer = null;
    var last = "";

    function show(result) {
      card.textContent = "";
      var intro = document.createElement("p");
      intro.textContent = "It sounds like you're carrying a lot right now. You can still post — " +
        "and if it would help to talk to someone now, these are free and confidential:";
      card.appendChild(intro);
      var list = document.createElement("ul");
      result.resources.slice(0, 4).forEach(function (r) { list.appendChild(describe(r)); });
      card.appendChild(list);
      card.appendChild(link("/help", "More help, wherever you are"));
      card.hidden = false;
    }

    function check() {
      var text = field.value;
      if (text === last) { return; }
      last = text;
      if (text.trim().length < 12) { card.hidden = true; return; }
      fetch("/api/v1/safety/check", {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": token ? token.value : ""},
        body: JSON.stringify({text: text})
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (result) {
        if (!result || result.level === "none") { card.hidden = true; return; }
        show(result);
      }).catch(function () { /* the check is a kindness, never a gate */ });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, WAIT_MS);
    });
  }

  document.querySelectorAll("textarea[data-safety-check]").forEach(attach);
})();
