// Draws the charts described by data-chart attributes; the tables beside them carry the same numbers.
(function () {
  'use strict';
  function palette(colors, count) {
    var list = colors && colors.length ? colors : ['#2f6feb'];
    var out = [];
    for (var i = 0; i < count; i++) out.push(list[i % list.length]);
    return out;
  }
  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute('data-chart'));
    } catch (error) {
      return;
    }
    var datasets = spec.datasets.map(function (set) {
      var colors = set.colors && set.colors.length === 1 ? set.colors[0] : palette(set.colors, set.data.length);
      return { label: set.label, data: set.data, backgroundColor: colors, borderColor: colors, borderWidth: 0, borderRadius: 3, maxBarThickness: 28 };
    });
    var valueAxis = {
      beginAtZero: true,
      stacked: !!spec.stacked,
      grid: { color: '#eef1f4' },
      ticks: spec.percent ? { callback: function (v) { return Math.round(v * 100) + '%'; } } : { precision: 0 },
    };
    if (spec.percent) valueAxis.max = 1;
    var categoryAxis = { stacked: !!spec.stacked, grid: { display: false } };
    // eslint-disable-next-line no-undef
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: datasets.length > 1, position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: spec.percent ? { callbacks: { label: function (ctx) { return ' ' + (ctx.parsed[spec.horizontal ? 'x' : 'y'] * 100).toFixed(1) + '%'; } } } : {},
        },
        scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      },
    });
  }
  function start() {
    if (typeof Chart === 'undefined') return;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#57606a';
    var canvases = document.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
