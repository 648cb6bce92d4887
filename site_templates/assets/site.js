/* Progressive enhancement only: every page is complete without this script.
   - "如何引用": the page's address and today's date filled in;
   - a link to a table or a row inside a closed <details> opens it;
   - tables marked data-sortable sort by a column when its header is clicked (numbers by value,
     blanks last), and say so to screen readers with aria-sort. */
(function () {
  "use strict";

  function fillCitations() {
    var url = location.href.split("#")[0];
    var today = new Date();
    var date = today.getFullYear() + "年" + (today.getMonth() + 1) + "月" + today.getDate() + "日";
    document.querySelectorAll(".cite-url").forEach(function (node) { node.textContent = url; });
    document.querySelectorAll(".cite-date").forEach(function (node) { node.textContent = date; });
  }

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (target) target.scrollIntoView();
  }

  function cellValue(row, column, numeric) {
    var text = row.cells[column] ? row.cells[column].textContent.trim() : "";
    if (!numeric) return text;
    var value = parseFloat(text.replace(/,/g, ""));
    return isNaN(value) ? null : value;
  }

  function sortBy(table, column, header) {
    var numeric = header.style.textAlign === "right";
    var descending = header.getAttribute("aria-sort") !== "descending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, column, numeric), y = cellValue(b, column, numeric);
      if (x === null || x === "") return (y === null || y === "") ? 0 : 1;
      if (y === null || y === "") return -1;
      var order = numeric ? x - y : x.localeCompare(y, "zh-CN");
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function makeSortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.title = "按此列排序";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, column, header); });
    });
  }

  function start() {
    fillCitations();
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
    openTarget();
    window.addEventListener("hashchange", openTarget);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
