// Draw every chart of the page from its inline Vega-Lite spec, with the site's own copy of vega-embed.
document.querySelectorAll("script.vega-spec").forEach(function (holder) {
  var target = document.querySelector('.vega-target[data-chart="' + holder.dataset.chart + '"]');
  if (!target || typeof vegaEmbed !== "function") return;
  vegaEmbed(target, JSON.parse(holder.textContent), { actions: false, renderer: "svg" });
});
