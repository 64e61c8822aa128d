/* Progressive enhancement only: every page works without this file.
   - The anticipate page asks the server for the quote as the date changes (the numbers are the
     server's, computed by services.anticipation_quote; nothing is computed here).
   - The queue gets a "select all" checkbox. */
(function () {
  "use strict";

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
        showError("The quote could not be loaded: use the “See the quote” button.");
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    form.setAttribute("data-live", "on");
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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-quote-url]").forEach(liveQuote);
    document.querySelectorAll(".queue-form").forEach(selectAll);
  });
})();
