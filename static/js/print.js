/* The printable pages' "Print" button (no inline script: the CSP forbids it). */
(function () {
  "use strict";
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
