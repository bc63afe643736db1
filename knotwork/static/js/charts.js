// Draws every chart on the page (and in htmx swaps) from its Vega-Lite spec.
(function () {
  function draw(root) {
    root.querySelectorAll("[data-chart-spec]").forEach(function (element) {
      if (element.dataset.drawn) return;
      var source = document.getElementById(element.dataset.chartSpec);
      if (!source || typeof window.vegaEmbed !== "function") return;
      element.dataset.drawn = "true";
      window
        .vegaEmbed(element, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
        .then(function () { element.dataset.ready = "true"; })
        .catch(function () { element.textContent = "The chart could not be drawn; the table shows the same figures."; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
