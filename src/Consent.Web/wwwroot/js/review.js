// The ethics reviewer's version page: draws the flow diagram from its Mermaid source with the
// Mermaid library shipped beside this file (wwwroot/lib/mermaid, no CDN). Without script, or if
// drawing fails, the page's list of steps and the source say the same in words.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var source = document.getElementById("diagram-source");
    var figure = document.getElementById("diagram");
    if (!source || !figure || !window.mermaid) { return; }
    // "strict": the source's labels are text, never HTML or links (Mermaid's own sanitizing).
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
    window.mermaid.render("flow-diagram-svg", source.textContent).then(function (result) {
      var holder = document.createElement("div");
      holder.className = "flow-diagram-drawing";
      holder.innerHTML = result.svg;
      var svg = holder.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", "Flow diagram of the steps; the list above gives the same flow in words.");
      }
      figure.insertBefore(holder, figure.firstChild);
      figure.hidden = false;
    }).catch(function () {
      // The source and the list stay; nothing else to do.
    });
  });
})();
