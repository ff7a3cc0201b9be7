/* A small dependency-free SVG chart renderer: bars and lines. No inline styles (CSP): classes only.
 *
 *   Charts.render(container, {type: "bar"|"line", x: "col", y: ["col", ...], title: "..."}, columns, rows)
 *
 * columns: [{name, type}], rows: [[value, ...]] as the analytics API returns them.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 720, HEIGHT = 300;
  // Room for x labels rotated -35°: 16 characters of 12 px text reach ~75 px down and ~85 px left
  // of their tick, so neither the bottom nor the first label is clipped.
  var MARGIN = { top: 48, right: 16, bottom: 92, left: 96 };
  var LABEL_CHARS = 16;
  var TICKS = 4;

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // The axis top: TICKS steps of 1, 2 or 5 x 10^n (whole steps when every value is whole).
  function niceMax(value, whole) {
    if (value <= 0) return TICKS;
    var raw = value / TICKS, magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * magnitude; })
      .filter(function (s) { return s >= raw; })[0];
    if (whole) step = Math.max(1, Math.ceil(step));
    return step * TICKS;
  }

  function label(value) {
    var text = value === null || value === undefined ? "(none)" : String(value);
    return text.length > LABEL_CHARS ? text.slice(0, LABEL_CHARS - 1) + "…" : text;
  }

  function render(container, spec, columns, rows) {
    while (container.firstChild) container.removeChild(container.firstChild);
    var names = columns.map(function (c) { return c.name; });
    var xi = names.indexOf(spec.x);
    var series = spec.y.map(function (name) { return { name: name, index: names.indexOf(name) }; })
      .filter(function (s) { return s.index >= 0; });
    var svg = el("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", "aria-label": spec.title,
      "data-type": spec.type, "data-points": rows.length });
    svg.appendChild(el("title", {}, spec.title));
    svg.appendChild(el("text", { x: MARGIN.left, y: 16, "class": "chart-title" }, spec.title));
    container.appendChild(svg);
    if (xi < 0 || series.length === 0 || rows.length === 0) {
      svg.appendChild(el("text", { x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle", "class": "empty" }, "No data"));
      return svg;
    }
    var plotW = WIDTH - MARGIN.left - MARGIN.right, plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    var max = 0, whole = true;
    rows.forEach(function (row) {
      series.forEach(function (s) {
        var v = Number(row[s.index]) || 0;
        max = Math.max(max, v);
        whole = whole && Number.isInteger(v);
      });
    });
    max = niceMax(max, whole);
    var y = function (v) { return MARGIN.top + plotH - (Number(v) || 0) / max * plotH; };
    for (var t = 0; t <= TICKS; t++) {
      var value = max * t / TICKS, gy = y(value);
      svg.appendChild(el("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: gy, y2: gy, "class": "grid" }));
      svg.appendChild(el("text", { x: MARGIN.left - 6, y: gy + 4, "text-anchor": "end" },
        Number.isInteger(value) ? value : value.toFixed(1)));
    }
    svg.appendChild(el("line", { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotH, "class": "axis" }));
    svg.appendChild(el("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: MARGIN.top + plotH, y2: MARGIN.top + plotH, "class": "axis" }));
    var band = plotW / rows.length;
    var every = Math.max(1, Math.ceil(rows.length / 16));  // at most ~16 x labels
    rows.forEach(function (row, i) {
      if (i % every !== 0) return;
      var cx = MARGIN.left + band * (i + 0.5), cy = MARGIN.top + plotH + 14;
      var tick = el("text", { x: cx, y: cy, "text-anchor": "end", transform: "rotate(-35 " + cx + " " + cy + ")",
        "class": "x-label" }, label(row[xi]));
      tick.appendChild(el("title", {}, row[xi] === null || row[xi] === undefined ? "(none)" : String(row[xi])));
      svg.appendChild(tick);
    });
    if (spec.type === "line") {
      series.forEach(function (s, k) {
        var points = rows.map(function (row, i) {
          return (MARGIN.left + band * (i + 0.5)).toFixed(1) + "," + y(row[s.index]).toFixed(1);
        });
        svg.appendChild(el("polyline", { points: points.join(" "), "class": "line line-" + (k % 4), "data-series": s.name }));
      });
    } else {
      var inner = band * 0.8 / series.length;
      rows.forEach(function (row, i) {
        series.forEach(function (s, k) {
          var v = Number(row[s.index]) || 0, top = y(v);
          var bar = el("rect", { x: MARGIN.left + band * (i + 0.1) + inner * k, y: top, width: Math.max(inner, 1),
            height: MARGIN.top + plotH - top, "class": "bar bar-" + (k % 4), "data-series": s.name });
          bar.appendChild(el("title", {}, label(row[xi]) + " · " + s.name + ": " + v));
          svg.appendChild(bar);
        });
      });
    }
    series.forEach(function (s, k) {  // legend, on its own row under the title
      var lx = MARGIN.left + 150 * k, ly = 26;
      svg.appendChild(el("rect", { x: lx, y: ly, width: 10, height: 10, "class": "swatch-" + (k % 4) }));
      svg.appendChild(el("text", { x: lx + 14, y: ly + 9 }, s.name));
    });
    return svg;
  }

  window.Charts = { render: render };
})();
