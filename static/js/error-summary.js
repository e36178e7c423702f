// A form sent back with errors: move focus to the summary at the top of the page, so keyboard
// and screen reader users start from the list of problems; its links focus the field itself.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (field.closest("fieldset") || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
