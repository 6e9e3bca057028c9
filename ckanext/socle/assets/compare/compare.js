/* ckanext-socle comparison pages: charts (Chart.js) and a choropleth map (Leaflet) drawn over the
   server-rendered tables, which stay on the page as their accessible alternative.
   Data come from <script type="application/json"> blocks: nothing is fetched. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var nf = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
  function fmt(value) { return value === null || value === undefined ? "—" : nf.format(value); }

  var ACCENT = "#1f4e99", PICKED = "#e07b00", MUTED = "#9fb3d1", MEDIAN = "#c0392b";

  // A vertical line at the group median on a horizontal bar chart.
  var medianLine = {
    id: "socleMedian",
    afterDatasetsDraw: function (chart, args, options) {
      if (options.value === null || options.value === undefined) { return; }
      var x = chart.scales.x.getPixelForValue(options.value), area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = MEDIAN; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = MEDIAN; ctx.font = "bold 12px sans-serif";
      ctx.fillText(options.label + " " + fmt(options.value), Math.min(x + 6, area.right - 120), area.top + 12);
      ctx.restore();
    }
  };

  function bars(data) {
    var canvas = document.getElementById("socle-bars");
    if (!canvas || !window.Chart || !data.bars.length) { return; }
    canvas.parentNode.hidden = false;
    canvas.parentNode.style.height = Math.max(220, 26 * data.bars.length + 60) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.bars.map(function (b) { return b.name; }),
        datasets: [{
          label: data.unit, data: data.bars.map(function (b) { return b.figure; }),
          backgroundColor: data.bars.map(function (b) { return b.picked ? PICKED : MUTED; }),
          borderColor: data.bars.map(function (b) { return b.picked ? "#a35200" : ACCENT; }),
          borderWidth: 1
        }]
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (c) { return fmt(c.parsed.x) + " " + data.unit; } } },
          socleMedian: { value: data.median, label: "Médiane du groupe" }
        },
        scales: {
          x: { title: { display: true, text: data.unit }, ticks: { callback: function (v) { return fmt(v); } } },
          y: { ticks: { font: function (c) {
            var bar = data.bars[c.index]; return { weight: bar && bar.picked ? "bold" : "normal", size: 13 };
          } } }
        }
      },
      plugins: [medianLine]
    });
  }

  function series(data) {
    var canvas = document.getElementById("socle-series");
    var s = data.series;
    if (!canvas || !window.Chart || !s || s.years.length < 2) { return; }
    canvas.parentNode.hidden = false;
    var palette = [PICKED, ACCENT, "#2e8b57", "#8e44ad", "#b03a2e", "#117a8b"];
    var sets = s.communes.map(function (c, i) {
      return { label: c.name, data: c.values, borderColor: palette[i % palette.length],
               backgroundColor: palette[i % palette.length], borderWidth: 3, tension: 0.2, spanGaps: false };
    });
    sets.push({ label: "Médiane du groupe", data: s.group_median, borderColor: MEDIAN, borderDash: [6, 4],
                borderWidth: 2, pointRadius: 0 });
    new window.Chart(canvas, {
      type: "line", data: { labels: s.years, datasets: sets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { title: { display: true, text: data.unit }, ticks: { callback: function (v) { return fmt(v); } } } } }
    });
  }

  // Quantile classes (5 at most) over the communes that have a figure.
  function classes(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var breaks = [], n = Math.min(5, sorted.length);
    for (var i = 1; i < n; i++) { breaks.push(sorted[Math.floor(i * sorted.length / n)]); }
    return breaks.filter(function (b, i) { return i === 0 || b !== breaks[i - 1]; });
  }
  var BLUES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function map(data) {
    var node = document.getElementById("socle-map"), outlines = readJson("socle-map-outlines");
    if (!node || !window.L || !outlines || !outlines.features.length) { return; }
    node.hidden = false;
    var figures = data.map.figures, picked = data.map.picked || [];
    var values = Object.keys(figures).map(function (k) { return figures[k]; }).filter(function (v) { return v !== null; });
    var breaks = classes(values);
    var colours = BLUES.slice(BLUES.length - breaks.length - 1);
    function colour(v) {
      if (v === null || v === undefined) { return null; }
      var i = 0; while (i < breaks.length && v >= breaks[i]) { i++; }
      return colours[i];
    }
    var m = window.L.map(node, { zoomSnap: 0.25, attributionControl: !!data.map.tiles, scrollWheelZoom: false });
    if (data.map.tiles) {
      window.L.tileLayer(data.map.tiles, { attribution: data.map.attribution, maxZoom: 18 }).addTo(m);
    }
    var layer = window.L.geoJSON(outlines, {
      style: function (f) {
        var c = colour(figures[f.properties.code]), isPicked = picked.indexOf(f.properties.code) >= 0;
        return { color: isPicked ? "#e07b00" : "#ffffff", weight: isPicked ? 4 : 1.2,
                 fillColor: c || "#d0d0d0", fillOpacity: c ? 0.9 : 0.55, dashArray: c ? null : "3" };
      },
      onEachFeature: function (f, l) {
        var v = figures[f.properties.code];
        l.bindTooltip("<strong>" + f.properties.name.replace(/</g, "&lt;") + "</strong><br>" +
                      (v === null || v === undefined ? "pas de donnée" : fmt(v) + " " + data.unit), { sticky: true });
        l.on("click", function () { window.location = data.map.card_url.replace("CODE", f.properties.code); });
      }
    }).addTo(m);
    m.fitBounds(layer.getBounds(), { padding: [10, 10] });
    layer.eachLayer(function (l) {
      if (picked.indexOf(l.feature.properties.code) >= 0) { l.bringToFront(); }
    });
    var legend = window.L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = window.L.DomUtil.create("div", "socle-map-legend");
      var html = "<strong>" + data.unit + "</strong><br>";
      var lows = [Math.min.apply(null, values)].concat(breaks);
      lows.forEach(function (low, i) {
        var high = i < breaks.length ? breaks[i] : Math.max.apply(null, values);
        html += '<i style="background:' + colours[i] + '"></i>' + fmt(low) + " – " + fmt(high) + "<br>";
      });
      html += '<i style="background:#d0d0d0"></i>pas de donnée';
      div.innerHTML = html;
      return div;
    };
    legend.addTo(m);
  }

  function start() {
    var data = readJson("socle-compare-data");
    if (!data) { return; }
    try { bars(data); } catch (e) { if (window.console) { console.error(e); } }
    try { series(data); } catch (e) { if (window.console) { console.error(e); } }
    try { map(data); } catch (e) { if (window.console) { console.error(e); } }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
