// Consent, every page with a form (staff and patient): the error summary
// (Pages/Shared/_ErrorSummary.cshtml, after the GOV.UK Design System's error summary) takes the focus
// when the page loads, so it is read out and in view, and each of its links puts the cursor in the
// field it names, not only scrolls to it. Without this file the summary is still at the top, linked.
(function () {
  "use strict";

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

  if (document.readyState !== "loading") { errorSummary(); } else { document.addEventListener("DOMContentLoaded", errorSummary); }
})();
