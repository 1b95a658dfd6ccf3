// Draw every chart of the page from its inline Vega-Lite spec, with the site's own copy of vega-embed.
// A chart is drawn at the width of its column and redrawn when that width changes: its text keeps the size
// the spec gives it (never below 12 px) instead of shrinking with the picture. Each row label is cut to the
// width (with "…"); the full name is in the tooltip and in the table under the chart.
// The static SVG shown without scripts comes back if drawing fails, so a reader always gets a chart.
(function () {
  if (typeof vegaEmbed !== "function") return;
  // Wider than this, a chart's rows are too long to follow by eye: on a desktop it keeps this width.
  var MAX_WIDTH = 960;

  // Set every view's width (and the row labels' limit) to `width` px.
  function fit(node, width) {
    if (Array.isArray(node)) { node.forEach(function (n) { fit(n, width); }); return; }
    if (!node || typeof node !== "object") return;
    if (typeof node.width === "number" && (node.mark || node.layer)) node.width = width;
    if (node.header && typeof node.header.labelLimit === "number") node.header.labelLimit = width;
    Object.keys(node).forEach(function (key) {
      if (key !== "data" && key !== "datasets" && key !== "usermeta") fit(node[key], width);
    });
  }

  function draw(figure, spec, fallback, width) {
    var target = figure.querySelector(".vega-target");
    var copy = JSON.parse(JSON.stringify(spec));
    fit(copy, width);
    var locale = spec.usermeta && spec.usermeta.formatLocale;
    if (figure._view) figure._view.finalize();
    return vegaEmbed(target, copy, { actions: false, renderer: "svg", formatLocale: locale }).then(function (result) {
      figure._view = result.view;
      var svg = target.querySelector("svg");
      var over = svg ? svg.width.baseVal.value - figure.clientWidth : 0;
      // Axis labels and padding take room beside the views: draw once more with the views narrower by as much.
      if (over > 0.5 && width - over >= 120) return draw(figure, spec, fallback, Math.floor(width - over));
      // A text alternative naming the chart; the table under it holds what it draws.
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", spec.description || "");
      offerPng(figure);
      citeHere(figure);
      figure.classList.add("drawn");
      figure.dataset.drawnAt = String(figure.clientWidth);
    });
  }

  function drawAll() {
    document.querySelectorAll("figure.chart").forEach(function (figure) {
      var holder = figure.querySelector("script.vega-spec");
      var target = figure.querySelector(".vega-target");
      if (!holder || !target) return;
      if (figure.dataset.drawnAt === String(figure.clientWidth)) return;  // drawn for this width already
      if (!figure._spec) {
        figure._spec = JSON.parse(holder.textContent);
        figure._fallback = target.innerHTML;
      }
      draw(figure, figure._spec, figure._fallback, Math.min(figure.clientWidth, MAX_WIDTH)).catch(function (error) {
        target.innerHTML = figure._fallback;
        console.warn("chart not drawn", error);
      });
    });
  }

  // The PNG link draws the chart as shown (twice the pixels, for print) when it is clicked.
  function offerPng(figure) {
    var item = figure.querySelector(".chart-png-item");
    var link = item && item.querySelector("a.chart-png");
    if (!link || link.dataset.ready) return;
    link.dataset.ready = "1";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      figure._view.toImageURL("png", 2).then(function (url) {
        var save = document.createElement("a");
        save.href = url;
        save.download = link.getAttribute("download");
        document.body.appendChild(save);
        save.click();
        save.remove();
      });
    });
    item.hidden = false;
  }

  // The citation names this page's full address, whatever host and sub-path the site is served from.
  function citeHere(figure) {
    var link = figure.querySelector("a.cite-url");
    if (!link) return;
    link.href = location.href.split("#")[0] + "#" + figure.id;
    link.textContent = link.href;
  }

  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(drawAll, 200);
  });
  drawAll();
})();
