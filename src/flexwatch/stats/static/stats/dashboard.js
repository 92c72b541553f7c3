// Draws each chart of the statistics page from the Vega-Lite specification
// beside it, on load and again whenever htmx swaps in new figures.
(function () {
  "use strict";

  function draw(root) {
    if (typeof vegaEmbed === "undefined") {
      return;
    }
    root.querySelectorAll("[data-vega-spec]").forEach(function (container) {
      var source = document.getElementById(container.dataset.vegaSpec);
      if (!source) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      vegaEmbed(container, spec, { actions: false, renderer: "svg" }).catch(
        function (error) {
          container.textContent = error.message;
        }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.detail.elt);
  });
})();
