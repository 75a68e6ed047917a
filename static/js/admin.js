/* Names for the admin's controls that Django leaves nameless to a screen reader (axe-core: label,
 * select-name, aria-input-field-name, empty-table-header). No framework; loaded by
 * templates/admin/base_site.html on every admin page. */
(function () {
  "use strict";

  // A tabular inline's first column (the saved row's name) has an empty header, and so has its last (the
  // delete box) for an editor who may not delete, where only a new row's "remove" link stands.
  function nameEmptyHeaders(root) {
    root.querySelectorAll(".inline-group table thead th").forEach(function (header) {
      if (!header.textContent.trim()) {
        var text = document.createElement("span");
        text.className = "visually-hidden";
        text.textContent = header.classList.contains("original") ? "Row" : "Remove";
        header.appendChild(text);
      }
    });
  }

  // select2 (autocomplete fields) draws a combobox whose only name is the selected value: empty until
  // something is chosen. It is named by the field's label (or the inline column's header) and its value.
  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      return label.textContent.replace(/:\s*$/, "").trim();
    }
    var cell = select.closest("td");
    var table = cell && cell.closest("table");
    var name = cell && Array.prototype.find.call(cell.classList, function (c) { return c.indexOf("field-") === 0; });
    var header = name && table.querySelector("thead th.column-" + name.slice(6));
    return header ? header.textContent.trim() : select.getAttribute("aria-label") || "";
  }

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var drawn = select.nextElementSibling;
      var box = drawn && drawn.querySelector(".select2-selection[role=combobox]");
      var shown = drawn && drawn.querySelector(".select2-selection__rendered[role=textbox]");
      var text = labelFor(select);
      if (box && text && !box.hasAttribute("aria-label")) {
        box.setAttribute("aria-label", text);
        box.removeAttribute("aria-labelledby");
      }
      if (shown && text && !shown.hasAttribute("aria-label")) {
        shown.setAttribute("aria-label", text);
      }
    });
  }

  function nameAll() {
    nameEmptyHeaders(document);
    nameComboboxes(document);
  }

  // select2 draws its boxes when jQuery is ready (which may come after the page's load) and again for each
  // inline row added: the names follow whatever is added to the page. Naming changes no child list but a
  // header's, once, so the observer settles.
  nameAll();
  new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
})();
