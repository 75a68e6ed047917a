/* The admin's Markdown box (nrfsite.core.widgets.MarkupTextarea): under each textarea that takes [@key]
 * markers, a preview drawn by the public pages' own renderer as the editor types (POST to the textarea's
 * data-markup-preview URL), and a "Cite a source" picker that searches sources (GET data-markup-search?q=)
 * and inserts [@key] at the cursor. No framework and no inline script (the admin's CSP allows neither);
 * loaded by the widget's Media. Inline rows added with "Add another" get theirs on Django's formset:added. */
(function () {
  "use strict";

  var PREVIEW_DELAY_MS = 400;
  var SEARCH_DELAY_MS = 200;
  var made = 0;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function csrfToken(textarea) {
    // The CSRF cookie is HttpOnly (settings): the token is read from the form the textarea belongs to.
    var input = (textarea.form || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The preview holds the public page's ids ("ref-1", "cite-1-1", "references-heading"); beside the other
  // previews of one form each must stay unique, so every preview prefixes its own, and its links with them.
  // Its reference list is a landmark of the public page, not of this form (where each preview would add one
  // more "References" region): it keeps its heading, not its label. A link out of the preview opens in a
  // new tab: following it must not lose the edit in progress.
  function scoped(html, prefix) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var content = template.content;
    content.querySelectorAll("[id]").forEach(function (node) {
      node.id = prefix + node.id;
    });
    content.querySelectorAll("section[aria-labelledby]").forEach(function (node) {
      node.removeAttribute("aria-labelledby");
    });
    content.querySelectorAll("a[href]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (href.charAt(0) === "#") {
        link.setAttribute("href", "#" + prefix + href.slice(1));
      } else {
        link.setAttribute("target", "_blank");
      }
    });
    return content;
  }

  // What a JSON endpoint answered, or why there is no answer (logged out: the admin redirects to its login page).
  function answer(response) {
    if (response.redirected) {
      throw new Error("you are no longer logged in; log in again in another tab");
    }
    return response.json().then(
      function (data) {
        if (!response.ok) {
          throw new Error((data && data.error) || "the server answered " + response.status);
        }
        return data;
      },
      function () {
        throw new Error("the server answered " + response.status);
      }
    );
  }

  function enhance(textarea) {
    if (textarea.hasAttribute("data-markup-ready") || textarea.name.indexOf("__prefix__") !== -1) {
      return;  // done already, or the hidden template inline rows are copied from
    }
    textarea.setAttribute("data-markup-ready", "");
    made += 1;
    var base = (textarea.id || "markup") + "-markup-" + made;
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    var fieldName = label ? label.textContent.replace(/:\s*$/, "").trim() : "text";

    // Parts -----------------------------------------------------------------------------------------------

    var tools = element("div", { class: "markup-tools" });
    var citeButton = element("button", {
      type: "button",
      class: "button markup-cite-button",
      "aria-expanded": "false",
      "aria-controls": base + "-picker",
    }, "Cite a source");
    var picker = element("div", { class: "markup-picker", id: base + "-picker", hidden: "" });
    var searchLabel = element("label", { for: base + "-search" }, "Search sources by title, publisher or key");
    var search = element("input", {
      type: "search",
      id: base + "-search",
      class: "markup-search",
      role: "combobox",
      autocomplete: "off",
      spellcheck: "false",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": base + "-results",
      "aria-describedby": base + "-hint",
    });
    var hint = element("p", { class: "markup-hint", id: base + "-hint" },
      "Up and Down choose a source, Enter cites it at the cursor, Escape closes.");
    var results = element("ul", {
      class: "markup-results",
      id: base + "-results",
      role: "listbox",
      "aria-label": "Sources found",
      hidden: "",
    });
    var searchStatus = element("p", { class: "markup-search-status", role: "status" });
    picker.append(searchLabel, search, hint, results, searchStatus);

    var preview = element("details", { class: "markup-preview", open: "" });
    var summary = element("summary", {}, "Preview of " + fieldName.toLowerCase());
    var previewStatus = element("p", { class: "markup-preview-status", role: "status" });
    var previewBody = element("div", { class: "markup-preview-body" });
    preview.append(summary, previewStatus, previewBody);
    tools.append(citeButton, picker, preview);

    // Below the help text that explains the [@key] syntax, outside the label-and-box row.
    var help = textarea.id && document.getElementById(textarea.id + "_helptext");
    var anchor = help || textarea.closest(".flex-container") || textarea;
    anchor.after(tools);

    // Preview ---------------------------------------------------------------------------------------------

    var previewTimer = null;
    var previewRequest = null;

    function say(node, text, warning) {
      if (node.textContent !== text) {
        node.textContent = text;  // unchanged text is not announced again
      }
      node.classList.toggle("markup-warning", Boolean(warning));
    }

    function drawPreview() {
      if (previewRequest) {
        previewRequest.abort();
      }
      previewRequest = new AbortController();
      var body = new FormData();
      body.append("text", textarea.value);
      fetch(textarea.getAttribute("data-markup-preview"), {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": csrfToken(textarea), Accept: "application/json" },
        credentials: "same-origin",
        signal: previewRequest.signal,
      })
        .then(answer)
        .then(function (data) {
          var html = data.html + data.references;
          if (html.trim()) {
            previewBody.replaceChildren(scoped(html, base + "-"));
          } else {
            previewBody.replaceChildren(element("p", { class: "markup-empty" }, "Nothing to preview yet."));
          }
          say(previewStatus, data.warning || "", Boolean(data.warning));
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            say(previewStatus, "No preview: " + error.message + ".", true);
          }
        });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(drawPreview, PREVIEW_DELAY_MS);
    });
    drawPreview();

    // Citation picker -------------------------------------------------------------------------------------

    var found = [];
    var active = -1;
    var searchTimer = null;
    var searchRequest = null;
    var cursor = null;  // where the marker goes: the textarea's selection when the picker opened

    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(results.children, function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0) {
        search.setAttribute("aria-activedescendant", results.children[index].id);
        results.children[index].scrollIntoView({ block: "nearest" });
      } else {
        search.removeAttribute("aria-activedescendant");
      }
    }

    function showResults(rows, query) {
      found = rows;
      results.replaceChildren();
      rows.forEach(function (row, index) {
        var option = element("li", { role: "option", id: base + "-option-" + index, "aria-selected": "false" });
        var details = [row.publisher, row.date].filter(Boolean).join(", ");
        option.append(
          element("span", { class: "markup-result-key" }, row.key),
          element("span", { class: "markup-result-title" }, row.title || "(no title)")
        );
        if (details) {
          option.append(element("span", { class: "markup-result-meta" }, details));
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  // the search box keeps the focus
        });
        option.addEventListener("click", function () {
          cite(index);
        });
        results.append(option);
      });
      results.hidden = rows.length === 0;
      search.setAttribute("aria-expanded", rows.length ? "true" : "false");
      setActive(rows.length ? 0 : -1);
      if (!query) {
        say(searchStatus, "", false);
      } else if (rows.length) {
        say(searchStatus, rows.length === 1 ? "1 source found." : rows.length + " sources found.", false);
      } else {
        say(searchStatus, "No source matches “" + query + "”.", false);
      }
    }

    function runSearch() {
      var query = search.value.trim();
      if (searchRequest) {
        searchRequest.abort();
      }
      if (!query) {
        showResults([], "");
        return;
      }
      searchRequest = new AbortController();
      var url = textarea.getAttribute("data-markup-search") + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: searchRequest.signal })
        .then(answer)
        .then(function (rows) {
          showResults(rows, query);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            showResults([], "");
            say(searchStatus, "The search failed: " + error.message + ".", true);
          }
        });
    }

    function openPicker() {
      cursor = textarea.hasAttribute("data-markup-touched")
        ? { start: textarea.selectionStart, end: textarea.selectionEnd }
        : { start: textarea.value.length, end: textarea.value.length };  // never placed: the end of the text
      picker.hidden = false;
      citeButton.setAttribute("aria-expanded", "true");
      search.focus();
      if (search.value.trim()) {
        runSearch();
      }
    }

    function closePicker(refocus) {
      picker.hidden = true;
      citeButton.setAttribute("aria-expanded", "false");
      search.setAttribute("aria-expanded", "false");
      clearTimeout(searchTimer);
      if (refocus) {
        textarea.focus();
        if (cursor) {
          textarea.setSelectionRange(cursor.start, cursor.end);
        }
      }
    }

    function cite(index) {
      var row = found[index];
      if (!row) {
        return;
      }
      var marker = "[@" + row.key + "]";
      var at = cursor || { start: textarea.value.length, end: textarea.value.length };
      textarea.setRangeText(marker, at.start, at.end, "end");
      cursor = { start: at.start + marker.length, end: at.start + marker.length };
      closePicker(true);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));  // the preview follows, as after typing
    }

    ["focus", "keyup", "mouseup"].forEach(function (type) {
      textarea.addEventListener(type, function () {
        textarea.setAttribute("data-markup-touched", "");
      });
    });

    citeButton.addEventListener("click", function () {
      if (picker.hidden) {
        openPicker();
      } else {
        closePicker(true);
      }
    });

    search.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(runSearch, SEARCH_DELAY_MS);
    });

    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (found.length) {
          var step = event.key === "ArrowDown" ? 1 : -1;
          setActive((active + step + found.length) % found.length);
        }
      } else if (event.key === "Enter") {
        event.preventDefault();  // never submits the admin's form
        cite(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closePicker(true);
      }
    });

    picker.addEventListener("focusout", function (event) {
      if (!picker.hidden && event.relatedTarget && !tools.contains(event.relatedTarget)) {
        closePicker(false);  // the editor moved on elsewhere
      }
    });
  }

  function enhanceAll(root) {
    root.querySelectorAll("textarea[data-markup-preview]").forEach(enhance);
  }

  document.addEventListener("formset:added", function (event) {
    enhanceAll(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
})();
