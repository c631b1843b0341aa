// Consent staff pages: live status by polling small JSON handlers, and copying the patient link.
// Every page works without this file (refresh links, a selectable link field).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json", "X-Consent-Background": "1" } })
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  // The "Needs you" list above the table, rebuilt from the same answer.
  function updateNeeds(rows) {
    var list = document.getElementById("needs-list");
    var none = document.getElementById("needs-none");
    if (!list) { return; }
    var items = rows.filter(function (item) { return item.attention; }).map(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/clinician/sessions/" + item.id;
      link.textContent = item.patient;
      li.append(link, document.createTextNode(": " + item.attention));
      return li;
    });
    list.replaceChildren.apply(list, items);
    var renewals = document.querySelectorAll("#renewals-needs li").length;
    if (none) { none.hidden = items.length > 0 || renewals > 0; }
  }

  // The clinician's list: update status, progress and "needs you" in place every 5 seconds.
  function pollSessionList() {
    var table = document.querySelector("table.sessions[data-poll-url]");
    var note = document.getElementById("live-note");
    if (!table || !window.fetch) { return; }
    var url = table.getAttribute("data-poll-url");
    function set(row, field, text) {
      var cell = row.querySelector("[data-field=" + field + "]");
      if (cell && cell.textContent !== text) { cell.textContent = text; return true; }
      return false;
    }
    function tick() {
      getJson(url).then(function (rows) {
        if (rows) {
          var changed = [];
          rows.forEach(function (item) {
            var row = table.querySelector("tr[data-id='" + item.id + "']");
            if (!row) { return; }
            var statusCell = row.querySelector("[data-field=status]");
            if (statusCell && statusCell.textContent.trim() !== item.statusLabel) {
              var badge = document.createElement("span");
              badge.className = "status status-" + item.status;
              badge.textContent = item.statusLabel;
              statusCell.replaceChildren(badge);
              changed.push(row.querySelector("th").textContent.trim() + ": " + item.statusLabel);
            }
            set(row, "progress", item.progress);
            if (set(row, "attention", item.attention) && item.attention) {
              changed.push(row.querySelector("th").textContent.trim() + ": " + item.attention);
            }
            set(row, "updated", item.updated);
          });
          if (changed.length && note) { note.textContent = "Updated — " + changed.join("; "); }
          updateNeeds(rows);
        }
        window.setTimeout(tick, 5000);
      }).catch(function () { window.setTimeout(tick, 10000); });
    }
    window.setTimeout(tick, 5000);
  }

  // One session: the badge, progress, current step, invitation and "Needs you" come from the JSON
  // handler and change in place; when the log has moved on, the parts of the page that show it are
  // fetched again and swapped in, except a part where the clinician is typing (kept until sent).
  // Nothing reloads, so the one-time patient link stays on the page until the clinician leaves it.
  function pollSession() {
    var note = document.querySelector("#live-note[data-poll-url]");
    if (!note || !window.fetch || !window.DOMParser) { return; }
    var url = note.getAttribute("data-poll-url");
    var seq = note.getAttribute("data-poll-seq");
    function setText(field, text) {
      var el = document.querySelector("[data-field=" + field + "]");
      if (el && typeof text === "string" && el.textContent !== text) { el.textContent = text; }
    }
    function busy(region) {
      if (region.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
      return Array.prototype.some.call(region.querySelectorAll("textarea, input[type=password], input[type=text]"),
        function (field) { return field.value.trim() !== ""; })
        || region.querySelector("input[type=checkbox]:checked") !== null;
    }
    function swapRegions() {
      return fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html", "X-Consent-Background": "1" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return false; }
          var fresh = new DOMParser().parseFromString(html, "text/html");
          var kept = false;
          document.querySelectorAll("[data-live]").forEach(function (region) {
            var next = fresh.querySelector("[data-live='" + region.getAttribute("data-live") + "']");
            if (!next || region.innerHTML === next.innerHTML) { return; }
            if (busy(region)) { kept = true; return; }
            region.innerHTML = next.innerHTML;
          });
          submitOnce();
          return !kept;
        });
    }
    function tick() {
      getJson(url).then(function (body) {
        if (!body) { return null; }
        var badge = document.querySelector(".status[data-field=status]");
        if (badge && badge.textContent !== body.statusLabel) {
          badge.textContent = body.statusLabel;
          badge.className = "status status-" + body.status;
        }
        setText("progress", body.progress);
        setText("current", body.current);
        setText("invitation", body.invitation);
        if (String(body.seq) === seq) { return null; }
        return swapRegions().then(function (done) {
          var needs = body.needs && body.needs.length ? body.needs.join("; ") : "nothing needs you now";
          note.className = "live-note notice";
          if (done) {
            seq = String(body.seq);
            note.textContent = "Updated: " + body.statusLabel + " — " + needs + ".";
          } else {
            note.textContent = "Something new arrived (" + needs + "). What you are typing was kept; the rest of the page updates once you send it.";
          }
        });
      }).then(function () { window.setTimeout(tick, 5000); })
        .catch(function () { window.setTimeout(tick, 10000); });
    }
    window.setTimeout(tick, 5000);
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      if (!source || !navigator.clipboard) { return; }
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.value).then(function () {
          button.textContent = button.getAttribute("data-copied-label") || label;
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
    document.querySelectorAll("input[data-copy-source]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  // A double click sends a form once (a second answer or countersignature would only be refused).
  function submitOnce() {
    document.querySelectorAll("main form[method=post]:not([data-once])").forEach(function (form) {
      form.setAttribute("data-once", "true");
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sending") === "true") { event.preventDefault(); return; }
        form.setAttribute("data-sending", "true");
        window.setTimeout(function () { form.removeAttribute("data-sending"); }, 4000);
      });
    });
  }

  // The idle time-out: a staff sign-in ends after Identity:IdleMinutes without a request the person made
  // (the background refreshes above say so in X-Consent-Background and do not count). One minute before,
  // a warning offers to stay signed in; at the end it says so and offers to sign in again. Nothing typed
  // on the page is touched.
  function idleWarning() {
    var meta = document.querySelector("meta[name=consent-idle-seconds]");
    var box = document.getElementById("idle-warning");
    if (!meta || !box || !window.fetch) { return; }
    var seconds = parseInt(meta.getAttribute("content"), 10);
    if (!(seconds > 0)) { return; }
    var text = document.getElementById("idle-warning-text");
    var stay = document.getElementById("idle-stay");
    var signIn = document.getElementById("idle-sign-in");
    var soon = null, ended = null;
    function schedule() {
      window.clearTimeout(soon); window.clearTimeout(ended);
      box.hidden = true; stay.hidden = false; signIn.hidden = true;
      soon = window.setTimeout(function () {
        text.textContent = text.getAttribute("data-soon");
        box.hidden = false;
        stay.focus();
      }, Math.max(0, seconds - 60) * 1000);
      ended = window.setTimeout(function () {
        text.textContent = text.getAttribute("data-ended");
        box.hidden = false; stay.hidden = true; signIn.hidden = false;
      }, seconds * 1000);
    }
    stay.addEventListener("click", function () {
      fetch("/api/v1/account", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (response.ok) { schedule(); } else { window.clearTimeout(soon); text.textContent = text.getAttribute("data-ended"); stay.hidden = true; signIn.hidden = false; } });
    });
    schedule();
  }

  ready(function () {
    idleWarning();
    submitOnce();
    pollSessionList();
    pollSession();
    copyButtons();
  });
})();
