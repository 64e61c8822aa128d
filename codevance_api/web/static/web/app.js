/* Progressive enhancement only: every page works without this file.
   - The anticipate page asks the server for the quote as the date changes (the numbers are the
     server's, computed by services.anticipation_quote; nothing is computed here).
   - The anticipate and batch pages' date pickers mark a picked weekend or holiday when business
     days are enforced (the server lists them).
   - The queue gets a "select all" checkbox.
   - A form marked data-submit-once (the batch confirmation) disables its button once sent, so a double
     click sends it once; the server still answers a second copy without requesting anything twice.
   Its own texts go through gettext(), translated by Django's JavaScriptCatalog (web/urls.py). */
(function () {
  "use strict";
  // Django's JavaScript catalogue (/jsi18n/, loaded before this file) defines gettext; without it, English.
  var gettext = window.gettext || function (text) { return text; };

  function liveQuote(form) {
    var input = form.querySelector("input[name=new_due_date]");
    var panel = document.querySelector("[data-quote]");
    var errorBox = document.querySelector("[data-quote-error]");
    var confirmDate = document.querySelector("[data-confirm-date]");
    if (!input || !panel || !errorBox || !confirmDate) { return; }
    var url = form.getAttribute("data-quote-url");
    var timer = null;
    var latest = 0;

    function showError(message) {
      panel.hidden = true;
      errorBox.textContent = message;
      errorBox.hidden = false;
    }

    function showQuote(data) {
      Object.keys(data.display).forEach(function (key) {
        var cell = panel.querySelector('[data-quote-field="' + key + '"]');
        if (cell) { cell.textContent = data.display[key]; }
      });
      confirmDate.value = data.new_due_date;
      errorBox.hidden = true;
      panel.hidden = false;
    }

    function refresh() {
      if (!input.value) { panel.hidden = true; errorBox.hidden = true; return; }
      var ticket = ++latest;
      fetch(url + "?new_due_date=" + encodeURIComponent(input.value), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (ticket !== latest) { return; }  // an answer to an older date
        if (result.ok) { showQuote(result.body); } else { showError(result.body.message); }
      }).catch(function () {
        if (ticket !== latest) { return; }
        showError(gettext("The quote could not be loaded: use the “See the quote” button."));
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    form.setAttribute("data-live", "on");
  }

  // With business days enforced, the server lists the weekends and holidays of a picker's range
  // (the anticipate and batch pages): a picked one is marked at once; the server still refuses it
  // and names the nearest earlier business day.
  function markClosedDays(input) {
    var closedDays = input.getAttribute("data-non-business-days").split(" ").filter(Boolean);
    function mark() {
      if (closedDays.indexOf(input.value) >= 0) {
        input.setAttribute("data-closed-day", "");
      } else {
        input.removeAttribute("data-closed-day");
      }
    }
    input.addEventListener("input", mark);
    mark();
  }

  function selectAll(table) {
    var master = table.querySelector("[data-select-all]");
    if (!master) { return; }
    var boxes = table.querySelectorAll("input[name=anticipation]");
    if (!boxes.length) { return; }
    master.hidden = false;
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
    });
  }

  function submitOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "true");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
      });
    });
    // Back to this page from the browser's cache: it may be sent again (the server answers a copy once).
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      form.removeAttribute("data-sent");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(submitOnce);
    document.querySelectorAll("form[data-quote-url]").forEach(liveQuote);
    document.querySelectorAll("input[data-non-business-days]").forEach(markClosedDays);
    document.querySelectorAll(".queue-form").forEach(selectAll);
  });
})();
