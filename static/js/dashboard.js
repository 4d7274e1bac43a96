/* The leaders' dashboard charts (ECharts, served from static/vendor/echarts).
 * Data comes from the page's json_script block "dashboard-data"; no inline script (CSP). */
(function () {
  "use strict";
  var holder = document.getElementById("dashboard-data");
  if (!holder || typeof echarts === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var L = data.labels;
  var charts = [];

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var c = echarts.init(el, null, { renderer: "canvas" });
    charts.push(c);
    return c;
  }
  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(2) + "%"; }
  function empty(c) {
    c.setOption({ title: { text: L.no_data, left: "center", top: "middle",
      textStyle: { color: "#999", fontSize: 14 } } });
  }

  // The city's (or the district's) volume and rates over the last months.
  var city = chart("chart-city");
  if (city) {
    var s = data.city;
    if (!s.periods.length) { empty(city); } else {
      city.setOption({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v; } },
        legend: { top: 0 },
        grid: { left: 56, right: 56, top: 36, bottom: 28 },
        xAxis: { type: "category", data: s.periods },
        yAxis: [
          { type: "value", name: L.tickets },
          { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min * 10 - 0.5) / 10); },
            max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } }
        ],
        series: [
          { name: L.contacts, type: "bar", data: s.contacts, itemStyle: { color: "#9bb7d4" } },
          { name: L.dispatched, type: "bar", data: s.dispatched, itemStyle: { color: "#0b5cad" } },
          { name: L.response, type: "line", yAxisIndex: 1, data: s.response, connectNulls: true,
            tooltip: { valueFormatter: pct } },
          { name: L.resolution, type: "line", yAxisIndex: 1, data: s.resolution, connectNulls: true,
            tooltip: { valueFormatter: pct } },
          { name: L.satisfaction, type: "line", yAxisIndex: 1, data: s.satisfaction,
            connectNulls: true, tooltip: { valueFormatter: pct } }
        ]
      });
    }
  }

  // One unit's composite and rank over the months.
  var trend = chart("chart-trend");
  if (trend) {
    var points = data.trend.points;
    if (!points.length) { empty(trend); } else {
      trend.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 48, top: 36, bottom: 28 },
        xAxis: { type: "category", data: points.map(function (p) { return p.period; }) },
        yAxis: [
          { type: "value", name: L.composite, scale: true, max: 100 },
          { type: "value", name: L.rank, inverse: true, minInterval: 1, min: 1,
            axisLabel: { formatter: function (v) { return Number.isInteger(v) ? v : ""; } } }
        ],
        series: [
          { name: L.composite, type: "line", connectNulls: false, symbolSize: 7,
            data: points.map(function (p) { return p.composite; }), itemStyle: { color: "#c8102e" } },
          { name: L.rank, type: "line", yAxisIndex: 1, lineStyle: { type: "dashed" },
            data: points.map(function (p) { return p.rank; }), itemStyle: { color: "#666" } }
        ]
      });
    }
  }

  // Category mix: the level-1 categories of the period's dispatched tickets.
  var mix = chart("chart-mix");
  if (mix) {
    if (!data.mix.length) { empty(mix); } else {
      mix.setOption({
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        series: [{ type: "pie", radius: ["38%", "70%"], avoidLabelOverlap: true,
          label: { formatter: "{b}\n{d}%" },
          data: data.mix.map(function (m) { return { name: m.name, value: m.count }; }) }]
      });
    }
  }

  // The 16 districts coloured by the chosen figure; a click opens the district's streets.
  var mapEl = document.getElementById("chart-map");
  var map = chart("chart-map");
  var select = document.getElementById("map-figure");
  function drawMap() {
    var figure = select ? select.value : "composite";
    var values = data.map.map(function (d) { return { name: d.name, value: d[figure], code: d.code }; })
      .filter(function (d) { return d.value !== null && d.value !== undefined; });
    var numbers = values.map(function (d) { return d.value; });
    var low = numbers.length ? Math.min.apply(null, numbers) : 0;
    var high = numbers.length ? Math.max.apply(null, numbers) : 1;
    // Higher is better for the composite, worse for the other two: red means worse.
    var colours = figure === "composite" ? ["#c8102e", "#f6d365", "#1e7b34"]
      : ["#1e7b34", "#f6d365", "#c8102e"];
    map.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.name + "<br>" + L[figure] + ": " + (isNaN(p.value) ? "—" : p.value); } },
      visualMap: { min: low, max: high === low ? low + 1 : high, left: 0, bottom: 0,
        calculable: true, precision: figure === "overdue" ? 0 : 1, inRange: { color: colours } },
      series: [{ type: "map", map: "beijing", roam: false, data: values,
        label: { show: true, fontSize: 10 }, emphasis: { label: { show: true } } }]
    }, { replaceMerge: ["series"] });
  }
  if (map && mapEl) {
    fetch(mapEl.getAttribute("data-geo")).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("beijing", geo);
      drawMap();
      map.on("click", function (p) {
        var hit = data.map.filter(function (d) { return d.name === p.name; })[0];
        if (hit) {
          window.location.search = "?period=" + encodeURIComponent(data.period) +
            "&group=street&district=" + encodeURIComponent(hit.code);
        }
      });
    });
    if (select) { select.addEventListener("change", drawMap); }
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
