// Draw every chart of the page from its inline Vega-Lite spec, with the site's own copy of vega-embed.
// The static SVG shown without scripts comes back if drawing fails, so a reader always gets a chart.
document.querySelectorAll("figure.chart").forEach(function (figure) {
  var holder = figure.querySelector("script.vega-spec");
  var target = figure.querySelector(".vega-target");
  if (!holder || !target || typeof vegaEmbed !== "function") return;
  var spec = JSON.parse(holder.textContent);
  var locale = spec.usermeta && spec.usermeta.formatLocale;
  var fallback = target.innerHTML;
  target.innerHTML = "";
  vegaEmbed(target, spec, { actions: false, renderer: "svg", formatLocale: locale })
    .then(function () { figure.classList.add("drawn"); })
    .catch(function (error) { target.innerHTML = fallback; console.warn("chart not drawn", error); });
});
