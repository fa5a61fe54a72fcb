(function () {
  "use strict";
  // Sortable tables: click (or Enter on) a header. Numeric columns sort by
  // the cell's data-sort value, text columns with numeric-aware collation.
  // Empty values always go last.
  function key(td, numeric) {
    if (!td) return null;
    if (numeric) {
      var x = parseFloat(td.getAttribute("data-sort"));
      return isNaN(x) ? null : x;
    }
    var s = (td.textContent || "").trim();
    return s === "" || s === "n/a" ? null : s;
  }
  function sortBy(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.classList.contains("num");
    var current = th.getAttribute("aria-sort");
    var dir = current === "none" ? (numeric ? "descending" : "ascending")
      : (current === "ascending" ? "descending" : "ascending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[idx], numeric), y = key(b.cells[idx], numeric);
      if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
      var c = numeric ? (x < y ? -1 : (x > y ? 1 : 0))
        : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
      return dir === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(th.parentNode.children, function (h) {
      h.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", dir);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable th"), function (th) {
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });
  document.documentElement.setAttribute("data-ready", "1");
})();
