// The reports page's charts (issue 13), drawn with the vendored Apache
// ECharts from the report's JSON: the same service call and encoding as
// GET /api/v1/reports/summary, fetched for the page's own query. Names and
// links come from the page's tables (data-fig, data-label, href), so the
// charts carry no text of their own and a click on a bar opens the cases
// behind it as its number in the table does. The SVG renderer keeps the
// labels in the DOM (readable by screen readers and tests) and, like the
// rest of ECharts, styles elements through the CSSOM only, which the
// console's Content-Security-Policy (no inline style, no eval) allows.
(function () {
  "use strict";

  var root = document.getElementById("report");

  // The period's form: a day for day / week / month, a range for custom.
  var kind = document.getElementById("report-period-kind");
  if (kind) {
    kind.addEventListener("change", function () {
      var custom = kind.value === "custom";
      document.querySelectorAll(".period-day").forEach(function (el) { el.hidden = custom; });
      document.querySelectorAll(".period-range").forEach(function (el) { el.hidden = !custom; });
      document.querySelectorAll(".period-day input").forEach(function (el) { el.disabled = custom; });
      document.querySelectorAll(".period-range input").forEach(function (el) { el.disabled = !custom; });
    });
  }
  if (!root || !window.echarts) { return; }
  var t = root.dataset;

  function fig(name) {
    var found = null;
    document.querySelectorAll("[data-fig]").forEach(function (el) {
      if (!found && el.dataset.fig === name) { found = el; }
    });
    return found;
  }
  function label(group, key) {
    var el = fig(group + ":" + key);
    return el && el.dataset.label ? el.dataset.label : key;
  }
  function open(name) {
    var el = fig(name);
    if (el && el.href) { window.location.href = el.href; }
  }
  function nonzero(p) { return p.value ? String(p.value) : ""; }

  var charts = [];
  function chart(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = window.echarts.init(el, null, { renderer: "svg" });
    option.animation = false; // the numbers are final when drawn
    c.setOption(option);
    if (onClick) { c.on("click", onClick); }
    charts.push(c);
    el.dataset.rendered = "1";
  }

  // bars draws one bar per key with its count on it; the value axis is
  // left bare so every number in the chart is a count.
  function bars(id, group, counts) {
    chart(id, {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "item" },
      xAxis: { type: "category", data: counts.map(function (c) { return label(group, c.key); }),
        axisLabel: { interval: 0, hideOverlap: false } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { show: false } },
      series: [{ type: "bar", name: t.tCases, data: counts.map(function (c) { return c.count; }),
        label: { show: true, position: "top", formatter: nonzero } }]
    }, function (p) { open(group + ":" + counts[p.dataIndex].key); });
  }

  // pie: one slice per key; the legend says each key's count.
  function pie(id, group, counts) {
    var names = {};
    counts.forEach(function (c) { names[label(group, c.key)] = c; });
    chart(id, {
      tooltip: { trigger: "item" },
      legend: { orient: "vertical", left: 8, top: 8,
        formatter: function (name) { return name + ": " + names[name].count; } },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["62%", "50%"], label: { show: false },
        data: counts.map(function (c) { return { name: label(group, c.key), value: c.count }; }) }]
    }, function (p) { open(group + ":" + counts[p.dataIndex].key); });
  }

  function draw(rep) {
    var days = rep.volume.per_day;
    chart("chart-trend", {
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: days.map(function (d) { return d.key.slice(5); }) },
      yAxis: { type: "value", minInterval: 1, axisLabel: { show: false } },
      series: [{ type: "line", name: t.tCases, data: days.map(function (d) { return d.count; }),
        label: { show: true, formatter: nonzero } }]
    }, function (p) { open("day:" + days[p.dataIndex].key); });

    bars("chart-category", "category", rep.volume.by_category);
    bars("chart-department", "department", rep.volume.by_department);
    pie("chart-priority", "priority", rep.volume.by_priority);

    // SLA: one stacked bar per deadline, met / missed / pending.
    var sla = rep.sla;
    var statuses = [["met", t.tMet, "#2e7d32"], ["missed", t.tMissed, "#c62828"], ["pending", t.tPending, "#9aa3ad"]];
    chart("chart-sla", {
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, data: statuses.map(function (s) { return s[1]; }) },
      yAxis: { type: "category", inverse: true, data: sla.map(function (k) { return label("clock", k.clock); }) },
      xAxis: { type: "value", minInterval: 1, axisLabel: { show: false } },
      series: statuses.map(function (s) {
        return { type: "bar", stack: "sla", name: s[1], itemStyle: { color: s[2] },
          data: sla.map(function (k) { return k[s[0]]; }), label: { show: true, formatter: nonzero } };
      })
    }, function (p) { open("sla:" + sla[p.dataIndex].clock + ":" + statuses[p.seriesIndex][0]); });

    // Satisfaction: the mean of each dimension, out of 5.
    var dims = rep.satisfaction.dimensions;
    chart("chart-satisfaction", {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "item" },
      xAxis: { type: "category", data: dims.map(function (d) { return label("dim", d.dimension); }) },
      yAxis: { type: "value", min: 0, max: 5, axisLabel: { show: false } },
      series: [{ type: "bar", name: t.tMean, data: dims.map(function (d) { return d.answers ? d.mean : 0; }),
        label: { show: true, position: "top", formatter: function (p) { return dims[p.dataIndex].answers ? p.value.toFixed(2) : ""; } } }]
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  fetch("/console/reports/summary.json?" + t.query, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    })
    .then(draw)
    .catch(function (err) {
      var el = document.getElementById("charts-error");
      el.textContent = t.tFailed;
      el.hidden = false;
      root.dataset.chartsError = String(err);
    });
})();
