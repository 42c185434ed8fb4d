/* Draw every report chart: each <div data-figure="ID"> takes its Plotly figure from the JSON
   <script id="ID">. Plotly itself is served offline by the surveys app. */
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") { return; }
    document.querySelectorAll("[data-figure]").forEach(function (div) {
      var source = document.getElementById(div.getAttribute("data-figure"));
      if (!source) { return; }
      var fig = JSON.parse(source.textContent);
      window.Plotly.newPlot(div, fig.data, fig.layout || {}, {
        responsive: true, displaylogo: false, modeBarButtonsToRemove: ["sendDataToCloud"]
      });
    });
  }
  if (document.readyState === "complete") { draw(); } else { window.addEventListener("load", draw); }
})();
