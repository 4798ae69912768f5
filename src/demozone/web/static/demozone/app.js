/* Page behaviour without inline scripts: charts from json_script data, small form helpers. */
(function () {
  "use strict";

  var COLORS = { ok: "#2e9e5b", fail: "#d9534f", line: "#e6a23c", axis: "#5b6b80" };

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function levelsBar(el, data) {
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 40, right: 20, top: 30, bottom: 40 },
      // Drawn on the canvas: an HTML tooltip would need style attributes, which the CSP forbids.
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: ["得分", "满分", "75%得分率线"], top: 0 },
      xAxis: { type: "category", data: data.levels.map(function (l) { return l.name; }) },
      yAxis: { type: "value", name: "分" },
      series: [
        { name: "满分", type: "bar", barGap: "-100%", itemStyle: { color: "#e3e7ee" },
          data: data.levels.map(function (l) { return l.max; }) },
        { name: "得分", type: "bar",
          data: data.levels.map(function (l) {
            return { value: l.score, itemStyle: { color: l.ok ? COLORS.ok : COLORS.fail } };
          }),
          label: { show: true, position: "top" } },
        { name: "75%得分率线", type: "scatter", symbol: "rect", symbolSize: [36, 3],
          itemStyle: { color: COLORS.line },
          data: data.levels.map(function (l) { return l.line; }) }
      ]
    });
    return chart;
  }

  function levelsRadar(el, data) {
    var chart = echarts.init(el);
    var rateMin = data.rate_min * 100;
    chart.setOption({
      tooltip: { renderMode: "richText" },
      legend: { data: ["得分率", "合格线"], bottom: 0 },
      radar: {
        indicator: data.levels.map(function (l) { return { name: l.name, max: 100 }; }),
        radius: "65%",
        axisName: { color: COLORS.axis }
      },
      series: [{
        type: "radar",
        data: [
          { name: "得分率", value: data.levels.map(function (l) { return Math.round(l.rate * 1000) / 10; }),
            areaStyle: { opacity: 0.25 }, itemStyle: { color: "#3273dc" } },
          { name: "合格线", value: data.levels.map(function () { return rateMin; }),
            lineStyle: { type: "dashed" }, itemStyle: { color: COLORS.line }, symbol: "none" }
        ]
      }]
    });
    return chart;
  }

  var BUILDERS = { "levels-bar": levelsBar, "levels-radar": levelsRadar };

  function drawCharts() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = BUILDERS[el.dataset.chart];
      var data = readJSON(el.dataset.source);
      if (build && data) { charts.push(build(el, data)); }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    autosubmit();
  });
})();
