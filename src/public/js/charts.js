/*
 * Draws the charts of a results page with Chart.js (served by this server). Each
 * <canvas data-chart="ID"> finds its configuration in <script type="application/json" id="ID">,
 * built on the server by src/results/charts.ts. Every chart has a table beside it that says the
 * same, so a page without this script (or a screen reader) loses nothing.
 */
(function () {
  'use strict';
  if (typeof Chart === 'undefined') return;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = '#1b1f24';
  var canvases = document.querySelectorAll('canvas[data-chart]');
  for (var i = 0; i < canvases.length; i++) {
    var canvas = canvases[i];
    var source = document.getElementById(canvas.getAttribute('data-chart'));
    if (!source) continue;
    var config = JSON.parse(source.textContent);
    var legend = config.options && config.options.plugins && config.options.plugins.legend;
    // The band's lower edge has no name: it is half of the interval, not a line of its own.
    if (legend) {
      legend.labels = legend.labels || {};
      legend.labels.filter = function (item) { return item.text !== ''; };
    }
    new Chart(canvas, config);
  }
  document.documentElement.setAttribute('data-charts-drawn', String(canvases.length));
})();
