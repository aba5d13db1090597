/* Alur forms: progressive enhancement of the markup of server/web/templates/_form.html.
 * Every form works without this file; the server validates and shows the errors. This adds:
 * live character counters, previews of chosen files, a check that the fields a decision
 * needs are filled before its button submits, "add row" without a page load, and on a page
 * the server sent back with errors, the first wrong field scrolled into view and focused.
 * Plain ES2017, no dependencies; load with <script src=".../forms.js" defer>. */
(function () {
  "use strict";

  // Characters as JSON Schema counts them (code points), with line ends as the server sees them.
  function length(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").trim()).length;
  }

  // --- character counters -------------------------------------------------------------------

  function updateCounter(counter) {
    var control = document.getElementById(counter.dataset.for);
    if (!control) return;
    var max = parseInt(counter.dataset.max, 10);
    var now = length(control.value);
    counter.textContent = now + "/" + max;
    counter.classList.toggle("over", now > max);
  }

  function bindCounters(root) {
    root.querySelectorAll(".char-count[data-max]").forEach(function (counter) {
      var control = document.getElementById(counter.dataset.for);
      if (!control || control.dataset.counterBound) return;
      control.dataset.counterBound = "1";
      control.addEventListener("input", function () { updateCounter(counter); });
      updateCounter(counter);
    });
  }

  // --- previews of newly chosen files -------------------------------------------------------

  function showPreviews(input) {
    var box = document.querySelector('.upload-preview[data-for="' + input.id + '"]');
    if (!box) return;
    box.querySelectorAll("[data-object-url]").forEach(function (el) {
      URL.revokeObjectURL(el.dataset.objectUrl);
    });
    box.textContent = "";
    Array.from(input.files || []).forEach(function (file) {
      var item = document.createElement("figure");
      item.className = "upload-preview-item";
      var media = null;
      if (/^image\//.test(file.type)) {
        media = document.createElement("img");
        media.alt = "";
      } else if (/^video\//.test(file.type)) {
        media = document.createElement("video");
        media.controls = true;
        media.preload = "metadata";
      }
      if (media) {
        var url = URL.createObjectURL(file);
        media.src = url;
        media.dataset.objectUrl = url;
        media.className = "thumb";
        item.appendChild(media);
      }
      var caption = document.createElement("figcaption");
      caption.textContent = file.name;
      item.appendChild(caption);
      box.appendChild(item);
    });
  }

  // --- fields a decision needs ----------------------------------------------------------------

  function isEmpty(wrapper) {
    var texts = wrapper.querySelectorAll(
      "textarea, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])");
    var groups = wrapper.querySelectorAll("fieldset.choices input");
    if (texts.length) {
      return Array.from(texts).every(function (el) { return el.value.trim() === ""; });
    }
    if (groups.length) {
      return !Array.from(groups).some(function (el) { return el.checked && el.value !== ""; });
    }
    return false; // a single checkbox: unticked is an answer too
  }

  function showMissing(wrapper, message) {
    var name = wrapper.id.replace(/^fieldwrap-/, "");
    var error = document.getElementById("error-" + name);
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = "error-" + name;
      error.setAttribute("role", "alert");
      var control = wrapper.querySelector("textarea, select, input:not([type=hidden]), fieldset");
      wrapper.insertBefore(error, control && control.parentNode === wrapper ? control : null);
    }
    error.textContent = message;
    wrapper.classList.add("has-error");
    var controls = wrapper.querySelectorAll("textarea, select, input:not([type=hidden])");
    controls.forEach(function (el) {
      el.setAttribute("aria-invalid", "true");
      var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (ids.indexOf(error.id) < 0) el.setAttribute("aria-describedby", [error.id].concat(ids).join(" "));
    });
    if (controls[0]) controls[0].focus();
  }

  function checkDecision(event) {
    var button = event.target.closest("button.decision-btn");
    if (!button || !button.form) return;
    var group = button.closest("fieldset.decision");
    var message = (group && group.dataset.missingMessage) || "";
    var missing = Array.from(button.form.querySelectorAll("[data-required-when]")).filter(function (w) {
      var when;
      try { when = JSON.parse(w.dataset.requiredWhen); } catch (e) { return false; }
      var values = when[button.name];
      return Array.isArray(values) && values.indexOf(button.value) >= 0 && isEmpty(w);
    });
    if (missing.length) {
      event.preventDefault();
      for (var i = missing.length - 1; i >= 0; i--) showMissing(missing[i], message); // focus the first
    }
  }

  function markRequiredWhen(form) {
    // The chosen decision is only known on click; until then the hint beside the field says when.
    form.querySelectorAll("[data-required-when]").forEach(function (w) {
      w.classList.add("required-when");
    });
  }

  // --- add a row to a list of objects ---------------------------------------------------------

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function addRow(button) {
    var list = button.closest("fieldset.object-list");
    var rows = list && list.querySelector(".object-rows");
    var last = rows && rows.querySelector(".object-row:last-of-type");
    if (!last) return false;
    var field = list.dataset.field;
    var old = last.dataset.row;
    var next = 1 + Math.max.apply(null, Array.from(rows.querySelectorAll(".object-row")).map(function (r) {
      return parseInt(r.dataset.row, 10) || 0;
    }));
    var pattern = new RegExp("(^|[-_\\s])" + escapeRegExp(field) + "-" + old + "-", "g");
    var replacement = "$1" + field + "-" + next + "-";
    var row = last.cloneNode(true);
    row.dataset.row = String(next);
    [row].concat(Array.from(row.querySelectorAll("*"))).forEach(function (el) {
      ["id", "name", "for", "data-for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, replacement));
      });
    });
    row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    row.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    row.querySelectorAll("[aria-describedby]").forEach(function (el) {
      var ids = el.getAttribute("aria-describedby").split(/\s+/).filter(function (id) {
        return id && !/^error-/.test(id);
      });
      if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
      else el.removeAttribute("aria-describedby");
    });
    row.querySelectorAll("input, textarea, select").forEach(function (el) {
      delete el.dataset.counterBound;
      if (el.type === "hidden") return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = false;
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
      else el.value = "";
    });
    var legend = row.querySelector("legend");
    if (legend && list.dataset.rowLabel) {
      legend.textContent = list.dataset.rowLabel.replace("{n}", String(rows.querySelectorAll(".object-row").length + 1));
    }
    rows.appendChild(row);
    bindCounters(row);
    var first = row.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
    return true;
  }

  // --- a form sent back by the server ---------------------------------------------------------

  // On a phone the first wrong field is often screens below the top: bring it into view with
  // its label, and focus it so that typing fixes it. Without this the page still shows the errors.
  function showFirstError() {
    var wrapper = document.querySelector("form .field.has-error");
    var summary = document.querySelector("form .error-summary");
    if (!wrapper) {
      if (!summary) return;
      summary.setAttribute("tabindex", "-1");
      summary.scrollIntoView({block: "start"});
      summary.focus({preventScroll: true});
      return;
    }
    var control = wrapper.querySelector('[aria-invalid="true"]') ||
      wrapper.querySelector("textarea, select, input:not([type=hidden]), button");
    wrapper.scrollIntoView({block: "start"});
    if (control) control.focus({preventScroll: true});
  }

  // --- wiring ---------------------------------------------------------------------------------

  function init() {
    showFirstError();
    bindCounters(document);
    document.querySelectorAll("form").forEach(markRequiredWhen);
    document.addEventListener("change", function (event) {
      var input = event.target;
      if (input.matches && input.matches('input[type=file][name$="__upload"]')) showPreviews(input);
    });
    document.addEventListener("click", function (event) {
      var add = event.target.closest && event.target.closest("button.add-row");
      if (add) {
        if (addRow(add)) event.preventDefault(); // else let the server add the row
        return;
      }
      if (event.target.closest) checkDecision(event);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
