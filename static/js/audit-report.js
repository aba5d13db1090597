/* Alur audit reports: the "Cetak" (print) button prints the page (the print view in alur.css
 * leaves out navigation and forms); the diagrams are fitted whole to the printed page, and back
 * to the screen after. Without this file the button stays hidden; the browser's own Print does
 * the same. Plain ES2017, no dependencies; load with <script defer>. */
(function () {
  "use strict";

  function diagrams() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-alur-mount=marked-diagram]"))
      .map(function (element) { return element.alurHandle; })
      .filter(Boolean);
  }

  // The print layout is in effect when the "print" media query matches: the diagram's box has its
  // printed size then, and the whole diagram is fitted into it.
  function refit(printing) {
    diagrams().forEach(function (handle) {
      handle.ready.then(function () {
        if (printing) {
          var canvas = handle.viewer.get("canvas");
          canvas.resized();
          canvas.zoom("fit-viewport", "auto");
        } else {
          handle.fit();
        }
      });
    });
  }

  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var onChange = function (event) { refit(event.matches); };
    if (print.addEventListener) print.addEventListener("change", onChange);
    else if (print.addListener) print.addListener(onChange);
  }

  var button = document.getElementById("print-button");
  if (!button || typeof window.print !== "function") return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
