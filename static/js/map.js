/* The province map's readout: the name and count of the province pointed at or focused, under the map.

   Each tile already carries its name in an SVG <title> (a tooltip for a mouse) and, when it is a link, in
   its aria-label (for a screen reader); a keyboard or touch user who sees the screen gets neither tooltip.
   The readout is aria-hidden: the focused link already announces the same words. */
(function () {
  "use strict";

  // A province tile or a point (each may be wrapped in its link): the element whose <title> names it.
  function tileOf(target) {
    var found = target && target.closest ? target.closest(".province-map a, .province-map .tile") : null;
    return found && found.querySelector("title") ? found : null;
  }

  function readoutOf(tile) {
    var map = tile.closest(".province-map");
    return map ? map.querySelector(".map-readout") : null;
  }

  function say(tile) {
    var readout = readoutOf(tile);
    var title = tile.querySelector("title");
    if (readout && title) {
      readout.textContent = title.textContent;
      readout.classList.add("map-readout-active");
    }
  }

  function reset(tile) {
    var readout = readoutOf(tile);
    if (readout) {
      readout.textContent = readout.getAttribute("data-hint");
      readout.classList.remove("map-readout-active");
    }
  }

  ["mouseover", "focusin"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      var tile = tileOf(event.target);
      if (tile) {
        say(tile);
      }
    });
  });
  ["mouseout", "focusout"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      var tile = tileOf(event.target);
      if (tile && !(event.relatedTarget && tileOf(event.relatedTarget))) {
        reset(tile);
      }
    });
  });
})();
