/* The analytics page: draws the chart, and runs reports through the JSON API without a reload
 * (the form still works without JavaScript). Runs that are not finished yet (Athena) are polled. */
(function () {
  "use strict";
  var POLL_MS = 1000;
  var form = document.getElementById("report-form");
  var section = document.getElementById("report");
  if (!form || !section) return;

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var reports = readJson("reports-data") || [];
  var spec = readJson("chart-spec");

  function reportById(id) {
    for (var i = 0; i < reports.length; i++) if (reports[i].id === id) return reports[i];
    return null;
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value === null || value === undefined ? "" : String(value);
    if (className) node.className = className;
    return node;
  }

  function formatBytes(n) {
    if (n === null || n === undefined) return "?";
    var units = ["bytes", "KB", "MB", "GB", "TB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }

  function ensure(id, tag, before) {
    var node = document.getElementById(id);
    if (!node) {
      node = document.createElement(tag);
      node.id = id;
      section.insertBefore(node, before || null);
    }
    return node;
  }

  function showRun(run) {
    var chart = ensure("chart", "figure");
    chart.className = "chart";
    var holder = ensure("run", "div");
    while (holder.firstChild) holder.removeChild(holder.firstChild);
    var stats = text("p", "", "run-stats muted");
    stats.id = "run-stats";
    holder.appendChild(stats);
    if (run.status === "failed") {
      stats.appendChild(text("span", "The query failed: " + run.error, "error"));
      chart.textContent = "";
      return;
    }
    if (run.status !== "succeeded") {
      stats.appendChild(text("span", "Running (" + run.status + ")…"));
      return;
    }
    stats.textContent = run.rows.length + " row" + (run.rows.length === 1 ? "" : "s") + " · " +
      run.duration_ms + " ms · " + formatBytes(run.bytes_scanned) + " scanned · estimated cost $" +
      (run.estimated_cost_usd === null ? "?" : run.estimated_cost_usd.toFixed(6)) + " · engine " + run.engine;
    var wrap = text("div", "", "table-wrap");
    var table = document.createElement("table");
    table.id = "run-table";
    var head = document.createElement("tr");
    run.columns.forEach(function (c) { var th = text("th", c.name); th.scope = "col"; head.appendChild(th); });
    var thead = document.createElement("thead");
    thead.appendChild(head);
    var tbody = document.createElement("tbody");
    run.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (cell) { tr.appendChild(text("td", cell)); });
      tbody.appendChild(tr);
    });
    if (run.rows.length === 0) {
      var empty = document.createElement("tr");
      empty.appendChild(text("td", "No rows.", "muted"));
      tbody.appendChild(empty);
    }
    table.appendChild(thead);
    table.appendChild(tbody);
    wrap.appendChild(table);
    holder.appendChild(wrap);
    if (spec && window.Charts) window.Charts.render(chart, spec, run.columns, run.rows);
  }

  function poll(run) {
    if (run.status === "succeeded" || run.status === "failed") return Promise.resolve(run);
    return new Promise(function (resolve) { setTimeout(resolve, POLL_MS); })
      .then(function () { return fetch("/api/analytics/runs/" + encodeURIComponent(run.id), { credentials: "same-origin" }); })
      .then(function (response) { return response.json(); })
      .then(poll);
  }

  function setError(message) {
    document.getElementById("form-error").textContent = message || "";
  }

  function params() {
    var data = {};
    ["start", "end", "country"].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) data[name] = value;
    });
    var option = form.elements.report.selectedOptions[0];
    if (option && option.getAttribute("data-country") === "unused") delete data.country;
    return data;
  }

  function updateLinks(reportId, data) {
    var query = new URLSearchParams(data).toString();
    var csv = document.getElementById("csv-link");
    if (csv) csv.href = "/analytics/reports/" + reportId + ".csv" + (query ? "?" + query : "");
    var page = new URLSearchParams(Object.assign({ report: reportId }, data)).toString();
    window.history.replaceState(null, "", "?" + page);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var reportId = form.elements.report.value;
    var report = reportById(reportId);
    var data = params();
    setError("");
    section.setAttribute("aria-busy", "true");
    fetch("/api/analytics/reports/" + encodeURIComponent(reportId) + "/runs", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.getAttribute("data-csrf") },
      body: JSON.stringify(data)
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var fields = body.error && body.error.fields ? body.error.fields : {};
            var detail = Object.keys(fields).map(function (k) { return k + ": " + fields[k]; }).join("; ");
            throw new Error((body.error ? body.error.message : "The report could not run.") + (detail ? " " + detail : ""));
          }
          return body;
        });
      })
      .then(function (run) {
        if (report) {
          spec = report.chart;
          document.getElementById("report-title").textContent = report.title;
          document.getElementById("report-description").textContent = report.description;
        }
        updateLinks(reportId, data);
        showRun(run);
        return poll(run);
      })
      .then(showRun)
      .catch(function (error) { setError(error.message); })
      .then(function () { section.removeAttribute("aria-busy"); });
  });

  var initial = readJson("run-data");
  if (initial) {
    showRun(initial);
    poll(initial).then(showRun);
  }
})();
