/* The attendance sheet (education:attendance): a note field shows only where it is needed (on
   leave, attended elsewhere, or a note already typed), and a row marked as an exception stands
   out. The page works without this script: every note field is then shown. */
(function () {
  "use strict";

  var form = document.getElementById("attendance-form");
  if (!form) {
    return;
  }
  var NOTE_STATUSES = ["leave", "elsewhere"];

  function update(row, focus) {
    var select = row.querySelector("select");
    var note = row.querySelector("input[type=text]");
    if (!select || !note) {
      return;
    }
    var needsNote = NOTE_STATUSES.indexOf(select.value) !== -1;
    note.hidden = !needsNote && note.value.trim() === "";
    if (!row.classList.contains("list-group-item-danger")) {
      row.classList.toggle("list-group-item-warning", select.value !== "present");
    }
    if (focus && needsNote && note.value.trim() === "") {
      note.focus();
    }
  }

  form.querySelectorAll("[data-row]").forEach(function (row) {
    update(row, false);
  });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement) {
      var row = target.closest("[data-row]");
      if (row) {
        update(row, true);
      }
    }
  });
})();
