// Consent patient pages: small progressive enhancements. Every page works without this file;
// it adds read-aloud, drawing a signature, and checking for news while the patient waits.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Read aloud with the browser's own speech synthesis, in the page's language. The button shows only
  // when the device has a voice for that language; otherwise the page says so (data-no-voice), as a
  // button that reads nothing, or in the wrong language, helps nobody.
  function setUpReadAloud() {
    var buttons = document.querySelectorAll("button.read-aloud");
    if (!buttons.length) { return; }
    var supported = ("speechSynthesis" in window) && typeof SpeechSynthesisUtterance !== "undefined";
    function language(button) { return (button.getAttribute("data-speech-lang") || document.documentElement.lang || "").toLowerCase(); }
    function hasVoice(lang) {
      var base = lang.split("-")[0];
      return window.speechSynthesis.getVoices().some(function (v) { return (v.lang || "").toLowerCase().replace("_", "-").split("-")[0] === base; });
    }
    function noVoice(button) {
      button.hidden = true;
      var note = button.parentNode.querySelector(".read-aloud-none");
      if (note) { note.hidden = false; }
    }
    function decide() {
      buttons.forEach(function (button) {
        if (supported && hasVoice(language(button))) {
          button.hidden = false;
          var note = button.parentNode.querySelector(".read-aloud-none");
          if (note) { note.hidden = true; }
        } else {
          noVoice(button);
        }
      });
    }
    // Voices load late in some browsers: decide now, and again when the list arrives.
    decide();
    if (supported && "onvoiceschanged" in window.speechSynthesis) {
      window.speechSynthesis.addEventListener("voiceschanged", decide);
    }
    if (!supported) { return; }
    buttons.forEach(function (button) {
      var startLabel = button.textContent;
      var stopLabel = button.getAttribute("data-stop-label") || startLabel;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var synth = window.speechSynthesis;
        if (synth.speaking) {
          synth.cancel();
          return;
        }
        var text = (button.getAttribute("data-read") || "").split(" ").map(function (id) {
          var element = document.getElementById(id);
          return element ? element.innerText : "";
        }).join(". \n");
        var utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = button.getAttribute("data-speech-lang") || document.documentElement.lang;
        utterance.rate = 0.9;
        utterance.onend = function () {
          button.textContent = startLabel;
          button.setAttribute("aria-pressed", "false");
        };
        utterance.onerror = function (event) {
          button.textContent = startLabel;
          button.setAttribute("aria-pressed", "false");
          if (event && event.error !== "canceled" && event.error !== "interrupted") { noVoice(button); }
        };
        button.textContent = stopLabel;
        button.setAttribute("aria-pressed", "true");
        synth.speak(utterance);
      });
    });
    window.addEventListener("pagehide", function () { window.speechSynthesis.cancel(); });
  }

  // The signature pad: pointer events cover mouse, touch and pen. Strokes go to a hidden field as
  // [[[x, y], ...], ...] in CSS pixels; with nothing drawn the typed name is the signature.
  function setUpSignaturePad() {
    var pad = document.querySelector(".signature-pad");
    var canvas = document.getElementById("signature-canvas");
    var field = document.getElementById("strokes");
    var clear = document.getElementById("signature-clear");
    if (!pad || !canvas || !field || !canvas.getContext || !window.PointerEvent) { return; }
    pad.hidden = false;
    var context = canvas.getContext("2d");
    // What was drawn before the page came back with a message (a refused name, say) is drawn again:
    // a signature is never wiped by an error.
    var strokes = [];
    try {
      var kept = field.value ? JSON.parse(field.value) : [];
      if (Array.isArray(kept)) { strokes = kept.filter(function (s) { return Array.isArray(s) && s.length; }); }
    } catch (e) { strokes = []; }
    var current = null;

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      redraw();
    }

    function redraw() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#1b1f24";
      strokes.forEach(function (stroke) {
        context.beginPath();
        stroke.forEach(function (p, i) { if (i === 0) { context.moveTo(p[0], p[1]); } else { context.lineTo(p[0], p[1]); } });
        if (stroke.length === 1) { context.lineTo(stroke[0][0] + 0.5, stroke[0][1] + 0.5); }
        context.stroke();
      });
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      var x = Math.min(Math.max(event.clientX - box.left, 0), box.width);
      var y = Math.min(Math.max(event.clientY - box.top, 0), box.height);
      return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
    }

    function save() { field.value = strokes.length ? JSON.stringify(strokes) : ""; }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
      current = [point(event)];
      strokes.push(current);
      redraw();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!current) { return; }
      event.preventDefault();
      current.push(point(event));
      redraw();
    });
    function end() {
      if (!current) { return; }
      current = null;
      save();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("lostpointercapture", end);
    if (clear) {
      clear.addEventListener("click", function () {
        strokes = [];
        current = null;
        save();
        redraw();
      });
    }
    window.addEventListener("resize", resize);
    resize();
  }

  // While the patient waits (questions, a clinician discussion, the countersignature): reload
  // when the session has moved on. The "Check again" link does the same without script.
  function setUpPolling() {
    var poll = document.querySelector(".poll[data-poll-url]");
    if (!poll || !window.fetch) { return; }
    var url = poll.getAttribute("data-poll-url");
    var seq = poll.getAttribute("data-poll-seq");
    // Only now that the page does check by itself may it say so; without script it asks for "Check again".
    document.querySelectorAll(".waiting-help[data-live-text]").forEach(function (help) {
      help.textContent = help.getAttribute("data-live-text");
    });
    function check() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && String(body.seq) !== seq) { window.location.reload(); } else { window.setTimeout(check, 5000); }
        })
        .catch(function () { window.setTimeout(check, 10000); });
    }
    window.setTimeout(check, 5000);
  }

  // One tap records once (the server also de-duplicates by the form's key); this just avoids a second request.
  function setUpSubmitOnce() {
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sending") === "true") { event.preventDefault(); return; }
        form.setAttribute("data-sending", "true");
        window.setTimeout(function () { form.removeAttribute("data-sending"); }, 4000);
      });
    });
  }

  ready(function () {
    setUpReadAloud();
    setUpSignaturePad();
    setUpPolling();
    setUpSubmitOnce();
  });
})();
