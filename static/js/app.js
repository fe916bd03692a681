/* Small enhancements; every page also works without them. Loaded with `defer`, no inline script
   (the CSP forbids it). */
(function () {
  "use strict";

  // The language picker submits itself when changed; its button is only for browsers without JS.
  document.querySelectorAll(".js-submit-on-change").forEach(function (select) {
    var form = select.form;
    if (!form) {
      return;
    }
    form.querySelectorAll(".js-hide-if-script").forEach(function (el) {
      el.hidden = true;
    });
    select.addEventListener("change", function () {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });

  // Irreversible or disruptive POST forms ask first: <form data-confirm="Question?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement && form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A one-shot htmx form (e.g. "Show full number") goes away once its answer is on the page.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("js-remove-after-swap") && event.detail.successful) {
      elt.remove();
    }
  });
})();
