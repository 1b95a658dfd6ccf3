// What every page needs, run once Material has set the page up (it wraps tables in scroll boxes itself).
(function () {
  // A table wider than its column scrolls inside its own box: that box takes keyboard focus, so it can be
  // scrolled without a mouse, and is named for screen readers.
  function focusableTables() {
    var label = document.documentElement.lang === "zh" ? "表格（可横向滚动）" : "Table (scrolls sideways)";
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", label);
    });
  }

  // Copy buttons (the Downloads page's checksums): the full text is in data-copy; the button says when it is done.
  function copyButtons() {
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
  }

  // The language switcher names each language in that language ("中文" on the English pages): mark it so.
  // Material's search is a dialog without a name: give it the search box's own label.
  function names() {
    document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) { link.lang = link.hreflang; });
    document.querySelectorAll(".md-search[role='dialog']").forEach(function (dialog) {
      var input = dialog.querySelector("input.md-search__input");
      dialog.setAttribute("aria-label", (input && input.getAttribute("aria-label")) || "Search");
    });
  }

  function setUp() { focusableTables(); copyButtons(); names(); }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(setUp);
  else document.addEventListener("DOMContentLoaded", setUp);
})();
