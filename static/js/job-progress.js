// A job's page while it waits or runs: ask its status URL every second, move the progress bar and say where it
// stands; when the job ends, load the page again, which is then the finished job's own (an import's report).
(function () {
  "use strict";
  var root = document.querySelector(".job[data-status-url]");
  if (!root || root.getAttribute("data-state") === "done" || root.getAttribute("data-state") === "failed") return;
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-status");
  var hint = root.querySelector(".job-noscript");
  if (hint) hint.hidden = true;
  var url = root.getAttribute("data-status-url");
  var said = text ? text.textContent : "";

  function number(n) {
    return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
  }

  function show(status) {
    if (status.total) {
      bar.max = status.total;
      bar.value = status.done;
    }
    var line = status.state_label;
    if (status.state === "running" && status.total) {
      line = number(status.done) + " / " + number(status.total) + " (" + number(status.percent) + "%)";
    }
    if (status.stage) line += " · " + status.stage;
    // Said to screen readers only when the words change, and at most every few seconds by the browser.
    if (text && line !== said) {
      text.textContent = line;
      said = line;
    }
  }

  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(ask, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(ask, 3000); // the server restarting, say: keep asking, less often
      });
  }
  window.setTimeout(ask, 500);
})();
