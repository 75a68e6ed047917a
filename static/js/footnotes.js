/* Footnote previews: the reference a footnote points to, in a small box beside it.

   A footnote is a link to its reference at the foot of the page (`sup.fn a[href^="#ref-"]`), and stays one: with
   no script, or a click with a mouse, it jumps there and the reference links back. This script adds a preview:
   - a mouse resting on a footnote, or the keyboard focusing it, shows the reference beside it;
   - a tap (touch or pen) shows the preview instead of jumping; the preview has a link to go to the reference.
   Escape, a tap elsewhere, or leaving it closes it. The preview copies the reference's own rendering (title,
   publisher, date, quotes), without its back-links, so the page and the preview never disagree.
   No inline script or style: the site's Content-Security-Policy allows neither. Its two sentences come
   translated from the page, as data attributes of this script's own tag (templates/base.html). */
(function () {
  "use strict";

  var words = (document.currentScript && document.currentScript.dataset) || {};
  function say(key, fallback, number) {
    return (words[key] || fallback).replace("{number}", number);
  }

  var SHOW_AFTER_MS = 250;
  var HIDE_AFTER_MS = 200;
  var box = null;
  var current = null;
  var showTimer = 0;
  var hideTimer = 0;
  var lastPointer = "mouse";

  function referenceOf(link) {
    var id = decodeURIComponent(link.hash.slice(1));
    return id ? document.getElementById(id) : null;
  }

  function ensureBox() {
    if (box) {
      return box;
    }
    box = document.createElement("div");
    box.className = "fn-preview";
    box.id = "fn-preview";
    box.setAttribute("role", "dialog");
    box.hidden = true;
    box.addEventListener("mouseenter", function () {
      clearTimeout(hideTimer);
    });
    box.addEventListener("mouseleave", scheduleHide);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hide(true);
      }
    });
    document.body.appendChild(box);
    return box;
  }

  function fill(link, reference) {
    var preview = ensureBox();
    var number = link.textContent.replace(/[^0-9]/g, "");
    preview.textContent = "";
    preview.setAttribute("aria-label", say("reference", "Reference {number}", number));
    var heading = document.createElement("p");
    heading.className = "fn-preview-number";
    heading.textContent = say("reference", "Reference {number}", number);
    preview.appendChild(heading);
    var body = reference.cloneNode(true);
    body.removeAttribute("id");
    Array.prototype.forEach.call(body.querySelectorAll(".backlinks, [id]"), function (node) {
      if (node.classList.contains("backlinks")) {
        node.remove();
      } else {
        node.removeAttribute("id");
      }
    });
    var content = document.createElement("div");
    content.className = "fn-preview-body";
    while (body.firstChild) {
      content.appendChild(body.firstChild);
    }
    preview.appendChild(content);
    var go = document.createElement("a");
    go.href = link.hash;
    go.className = "fn-preview-go";
    go.textContent = say("go", "Go to reference {number} in the list", number);
    go.addEventListener("click", function () {
      hide(false);
    });
    preview.appendChild(go);
  }

  function place(link) {
    var rect = link.getBoundingClientRect();
    var width = Math.min(360, document.documentElement.clientWidth - 16);
    box.style.width = width + "px";
    var left = rect.left + window.scrollX - width / 2 + rect.width / 2;
    var maxLeft = window.scrollX + document.documentElement.clientWidth - width - 8;
    box.style.left = Math.max(window.scrollX + 8, Math.min(left, maxLeft)) + "px";
    var below = rect.bottom + window.scrollY + 6;
    box.style.top = below + "px";
    var boxHeight = box.offsetHeight;
    if (rect.bottom + 6 + boxHeight > window.innerHeight && rect.top - 6 - boxHeight > 0) {
      box.style.top = rect.top + window.scrollY - 6 - boxHeight + "px"; // no room below: above it
    }
  }

  function show(link) {
    var reference = referenceOf(link);
    if (!reference) {
      return;
    }
    clearTimeout(hideTimer);
    if (current !== link) {
      fill(link, reference);
    }
    current = link;
    box.hidden = false;
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", box.id);
    place(link);
  }

  function hide(returnFocus) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!box || box.hidden) {
      return;
    }
    box.hidden = true;
    if (current) {
      current.setAttribute("aria-expanded", "false");
      if (returnFocus) {
        current.focus();
      }
    }
    current = null;
  }

  function scheduleHide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      hide(false);
    }, HIDE_AFTER_MS);
  }

  function footnoteLink(target) {
    var link = target && target.closest ? target.closest("sup.fn a[href^='#ref-']") : null;
    return link && referenceOf(link) ? link : null;
  }

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    if (box && !box.hidden && !box.contains(event.target) && !footnoteLink(event.target)) {
      hide(false);
    }
  });

  document.addEventListener("click", function (event) {
    var link = footnoteLink(event.target);
    if (!link || lastPointer === "mouse" || event.detail === 0) {
      return; // a mouse click, or Enter on the link: it jumps to the reference, as without the script
    }
    event.preventDefault(); // a tap: show the reference here; its "Go to reference" link jumps
    show(link);
    box.querySelector(".fn-preview-go").focus({ preventScroll: true });
  });

  document.addEventListener("mouseover", function (event) {
    var link = footnoteLink(event.target);
    if (!link || lastPointer !== "mouse") {
      return;
    }
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    showTimer = setTimeout(function () {
      show(link);
    }, SHOW_AFTER_MS);
  });

  document.addEventListener("mouseout", function (event) {
    if (footnoteLink(event.target) && !(box && box.contains(event.relatedTarget))) {
      scheduleHide();
    }
  });

  document.addEventListener("focusin", function (event) {
    var link = footnoteLink(event.target);
    if (link) {
      show(link);
    } else if (box && !box.hidden && !box.contains(event.target)) {
      hide(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box && !box.hidden) {
      hide(true);
    }
  });

  window.addEventListener("resize", function () {
    hide(false);
  });
  window.addEventListener("hashchange", function () {
    hide(false); // it jumped to the reference (or elsewhere): the preview has done its part
  });
})();
