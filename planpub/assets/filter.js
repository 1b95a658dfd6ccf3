// Client-side filter of the projects page: hide rows that do not contain every word typed, and empty groups.
(function () {
  var box = document.getElementById("project-filter");
  if (!box) return;
  box.hidden = false;
  var input = box.querySelector("input");
  var count = box.querySelector(".filter-count");
  var groups = Array.prototype.slice.call(document.querySelectorAll(".project-group"));
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    groups.forEach(function (group) {
      var visible = 0;
      group.querySelectorAll("tbody tr").forEach(function (row) {
        var text = (group.dataset.filterText + " " + row.textContent).toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) visible += 1;
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    count.textContent = shown;
  }
  input.addEventListener("input", apply);
  apply();
})();
