/* The analytics page: draws the chart, and runs reports through the JSON API without a reload
 * (the form still works without JavaScript). Runs that are not finished yet (Athena) are polled. */
(function () {
  "use strict";
  // The site's root ("/", or "/<stage>/" on the execute-api host): templates/base.html's data-root.
  var ROOT = document.documentElement.getAttribute("data-root") || "/";
  var POLL_MS = 1000;
  var form = document.getElementById("report-form");
  var section = document.getElementById("report-result");
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

  function cell(row, names, i) {
    var value = row[i], name = names[i], td = document.createElement("td");
    var idAt = names.indexOf("article_id"), href = null;
    if (name === "article_title" && idAt >= 0 && row[idAt]) href = "/analytics/articles/" + encodeURIComponent(row[idAt]) + "/";
    else if (name === "path" && typeof value === "string" && value.charAt(0) === "/") href = value;
    if (href) {
      var a = text("a", value);
      a.href = href;
      td.appendChild(a);
    } else {
      td.textContent = value === null || value === undefined ? "" : String(value);
    }
    return td;
  }

  // After an error nothing of the previous result may stay on screen.
  function clearRun() {
    ["chart", "run"].forEach(function (id) {
      var node = document.getElementById(id);
      if (node) node.parentNode.removeChild(node);
    });
    var csv = document.getElementById("csv-link");
    if (csv) csv.hidden = true;
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
    var names = run.columns.map(function (c) { return c.name; });
    run.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (_, i) { tr.appendChild(cell(row, names, i)); });
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
      .then(function () { return fetch(ROOT + "api/analytics/runs/" + encodeURIComponent(run.id), { credentials: "same-origin" }); })
      .then(function (response) { return response.json(); })
      .then(poll);
  }

  function setError(message) {
    document.getElementById("form-error").textContent = message || "";
  }

  // A filter the chosen report does not use is disabled (and so never sent), never silently ignored.
  function syncFilters() {
    var option = form.elements.report.selectedOptions[0];
    var used = option ? (option.getAttribute("data-filters") || "").split(" ") : [];
    ["start", "end", "country"].forEach(function (name) {
      form.elements[name].disabled = used.indexOf(name) < 0;
    });
    var note = document.getElementById("country-note");
    if (note) note.textContent = used.indexOf("country") < 0 ? "Not used by this report." : "";
  }

  function params() {
    var data = {};
    ["start", "end", "country"].forEach(function (name) {
      var input = form.elements[name], value = input.value.trim();
      if (value && !input.disabled) data[name] = value;
    });
    return data;
  }

  function updateLinks(reportId, data) {
    var query = new URLSearchParams(data).toString();
    var csv = document.getElementById("csv-link");
    if (csv) {
      csv.href = "/analytics/reports/" + reportId + ".csv" + (query ? "?" + query : "");
      csv.hidden = false;
    }
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
    fetch(ROOT + "api/analytics/reports/" + encodeURIComponent(reportId) + "/runs", {
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
      .catch(function (error) { clearRun(); setError(error.message); })
      .then(function () { section.removeAttribute("aria-busy"); });
  });

  form.elements.report.addEventListener("change", syncFilters);
  syncFilters();

  // The realtime panel: visitors in the last 30 minutes, refreshed every 30 s.
  var realtime = document.getElementById("realtime-visitors");
  function refreshRealtime() {
    fetch(realtime.getAttribute("data-realtime-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.getAttribute("data-csrf") },
      body: "{}"
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) { return run ? poll(run) : null; })
      .then(function (run) {
        if (!run || run.status !== "succeeded" || !run.rows.length) return;
        var names = run.columns.map(function (c) { return c.name; });
        realtime.textContent = String(run.rows[0][names.indexOf("visitors")]);
        document.getElementById("realtime-views").textContent = String(run.rows[0][names.indexOf("views")]);
      })
      .catch(function () {});
  }
  if (realtime) {
    refreshRealtime();
    setInterval(refreshRealtime, 30000);
  }

  var initial = readJson("run-data");
  if (initial) {
    showRun(initial);
    poll(initial).then(showRun);
  }
})();
