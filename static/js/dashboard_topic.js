/* A 每月一题 topic's months before and after adoption (ECharts from static files). */
(function () {
  "use strict";
  var holder = document.getElementById("topic-data");
  var el = document.getElementById("chart-topic");
  if (!holder || !el || typeof echarts === "undefined") { return; }
  var d = JSON.parse(holder.textContent);
  var L = d.labels;
  var c = echarts.init(el);
  var marks = d.adopted ? [{ xAxis: d.adopted, label: { formatter: L.adopted } }] : [];
  c.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 36, bottom: 28 },
    xAxis: { type: "category", data: d.periods },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 1,
        axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } }
    ],
    series: [
      { name: L.volume, type: "bar", data: d.volume, itemStyle: { color: "#0b5cad" },
        markLine: { symbol: "none", lineStyle: { color: "#c8102e", type: "dashed" }, data: marks } },
      { name: L.resolution, type: "line", yAxisIndex: 1, data: d.resolution, connectNulls: true },
      { name: L.satisfied, type: "line", yAxisIndex: 1, data: d.satisfied, connectNulls: true }
    ]
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
