/* Alur audit pages: the "Salin" (copy) buttons of the daily checkpoints put "agency day count
 * hash" on the clipboard for the auditor to record outside Alur. Without this file the buttons
 * stay hidden and the hash can be selected by hand.
 * Plain ES2017, no dependencies; load with <script src=".../audit.js" defer>. */
(function () {
  "use strict";

  function done(button) {
    var label = button.textContent;
    button.textContent = button.dataset.done || label;
    button.classList.add("copied");
    setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 2000);
  }

  // Without the clipboard API (a page served over plain http from another host): a hidden text
  // field selected and copied the old way; if even that is refused, the hash is left selected.
  function fallback(button, text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    document.body.removeChild(field);
    if (copied) { done(button); return; }
    var code = button.closest("tr") && button.closest("tr").querySelector("code");
    if (code) {
      var range = document.createRange();
      range.selectNodeContents(code);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
  }

  function copy(button) {
    var text = button.dataset.copy || "";
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(button); },
                                               function () { fallback(button, text); });
    } else {
      fallback(button, text);
    }
  }

  function bind() {
    document.querySelectorAll("button.audit-copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
