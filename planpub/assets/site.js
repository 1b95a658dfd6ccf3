// What every page needs. A table wider than its column scrolls inside its own box (Material wraps it):
// that box takes keyboard focus, so it can be scrolled without a mouse, and is named for screen readers.
document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", document.documentElement.lang === "zh" ? "表格（可横向滚动）" : "Table (scrolls sideways)");
});

// Copy buttons (the Downloads page's checksums): the full text is in data-copy; the button says when it is done.
document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
  var label = button.textContent;
  button.addEventListener("click", function () {
    if (!navigator.clipboard) return;
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      button.textContent = "✓";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
});

// The language switcher names each language in that language ("中文" on the English pages): mark it so.
document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) {
  link.lang = link.hreflang;
});
