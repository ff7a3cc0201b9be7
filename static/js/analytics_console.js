/* The SQL console: a run that is not finished yet (Athena) is polled, then the page shows it. */
(function () {
  "use strict";
  // The site's root ("/", or "/<stage>/" on the execute-api host): templates/base.html's data-root.
  var ROOT = document.documentElement.getAttribute("data-root") || "/";
  var node = document.getElementById("run-data");
  if (!node) return;
  var run = JSON.parse(node.textContent);
  if (run.status === "succeeded" || run.status === "failed") return;
  var timer = setInterval(function () {
    fetch(ROOT + "api/analytics/runs/" + encodeURIComponent(run.id), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (current) {
        if (current.status === "succeeded" || current.status === "failed") {
          clearInterval(timer);
          window.location.search = "?run=" + encodeURIComponent(run.id);
        }
      });
  }, 1000);
})();
