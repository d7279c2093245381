/*
 * Draws the charts of a results page — and of a PDF report — with Chart.js (served by this
 * server). Each <canvas data-chart="ID"> finds its configuration in
 * <script type="application/json" id="ID">, built on the server by src/results/charts.ts. Every
 * chart has a table beside it that says the same, so a page without this script (or a screen
 * reader) loses nothing.
 *
 * Charts are drawn once the page's fonts are ready, so their labels use the page's font. The PDF
 * renderer sets `window.leefklimaatCharts` first (font, size, options for print); the html element
 * then says `data-charts-drawn` (how many) or `data-charts-failed` (why).
 */
(function () {
  'use strict';
  if (typeof Chart === 'undefined') return;
  var settings = window.leefklimaatCharts || {};
  var root = document.documentElement;
  var fontsReady = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
  fontsReady
    .then(function () {
      Chart.defaults.font.size = settings.fontSize || 14;
      if (settings.fontFamily) Chart.defaults.font.family = settings.fontFamily;
      Chart.defaults.color = '#1b1f24';
      var canvases = document.querySelectorAll('canvas[data-chart]');
      for (var i = 0; i < canvases.length; i++) {
        var canvas = canvases[i];
        var source = document.getElementById(canvas.getAttribute('data-chart'));
        if (!source) throw new Error('no configuration for chart ' + canvas.getAttribute('data-chart'));
        var config = JSON.parse(source.textContent);
        if (settings.options) config.options = Object.assign({}, config.options, settings.options);
        var legend = config.options && config.options.plugins && config.options.plugins.legend;
        // The band's lower edge has no name: it is half of the interval, not a line of its own.
        if (legend) {
          legend.labels = legend.labels || {};
          legend.labels.filter = function (item) { return item.text !== ''; };
        }
        new Chart(canvas, config);
      }
      root.setAttribute('data-charts-drawn', String(canvases.length));
    })
    .catch(function (error) {
      root.setAttribute('data-charts-failed', String((error && error.message) || error));
    });
})();
