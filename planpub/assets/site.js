// What every page needs. A table wider than its column scrolls inside its own box (Material wraps it):
// that box takes keyboard focus, so it can be scrolled without a mouse, and is named for screen readers.
document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", document.documentElement.lang === "zh" ? "表格（可横向滚动）" : "Table (scrolls sideways)");
});
