// Consent staff pages: live status by polling small JSON handlers, and copying the patient link.
// Every page works without this file (refresh links, a selectable link field).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; });
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
        }
        window.setTimeout(tick, 5000);
      }).catch(function () { window.setTimeout(tick, 10000); });
    }
    window.setTimeout(tick, 5000);
  }

  // One session: when something new happens, say so (a reload would lose what you are typing).
  function pollSession() {
    var note = document.querySelector("#live-note[data-poll-url]");
    if (!note || !window.fetch) { return; }
    var url = note.getAttribute("data-poll-url");
    var seq = note.getAttribute("data-poll-seq");
    function tick() {
      getJson(url).then(function (body) {
        if (body && String(body.seq) !== seq) {
          note.textContent = "";
          var text = document.createTextNode("Something new happened in this session. ");
          var link = document.createElement("a");
          link.href = window.location.pathname;
          link.textContent = "Reload to see it";
          note.append(text, link);
          note.className = "live-note notice";
          return;
        }
        window.setTimeout(tick, 5000);
      }).catch(function () { window.setTimeout(tick, 10000); });
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
    document.querySelectorAll("main form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sending") === "true") { event.preventDefault(); return; }
        form.setAttribute("data-sending", "true");
        window.setTimeout(function () { form.removeAttribute("data-sending"); }, 4000);
      });
    });
  }

  // The error summary (Pages/Shared/_ErrorSummary.cshtml): focus it when the page loads, and let
  // each of its links put the cursor in the field it names, not only scroll to it.
  function errorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        var label = document.querySelector("label[for='" + field.id + "']");
        (field.closest("fieldset") || label || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
  }

  ready(function () {
    errorSummary();
    submitOnce();
    pollSessionList();
    pollSession();
    copyButtons();
  });
})();
