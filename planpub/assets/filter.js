// Client-side filter of the projects page: hide rows that do not contain every word typed, empty groups and plans.
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
    // A plan's heading goes with its last shown group.
    document.querySelectorAll(".project-plan").forEach(function (plan) {
      plan.hidden = !plan.querySelector(".project-group:not([hidden])");
    });
    count.textContent = shown;
  }
  input.addEventListener("input", apply);
  apply();
})();
