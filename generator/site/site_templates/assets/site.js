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

  /* The search page: Pagefind's API (made by the build, in parts: pagefind/parts.json lists them,
     the first holds the script, the others are merged into it) loads only the index chunks a
     query needs and one fragment per result shown. Each result links to the table row
     (t5-2022-2013701) of its first match in a row with an anchor, else to the section of its first match. */
  var SHOWN = 10;

  function anchorBefore(data, location) {
    var best = null;
    data.anchors.forEach(function (anchor) {
      if (anchor.element === "input" || anchor.location > location) return;
      if (!best || anchor.location >= best.location) best = anchor;
    });
    return best;
  }

  /* Where the words of the query stand together: Pagefind gives the position of every word of
     the query it found (培训费 is searched as 培训 and 费); the starts of the longest runs of
     consecutive positions are where the whole query is. */
  function phraseLocations(data) {
    var sorted = data.locations.slice().sort(function (a, b) { return a - b; });
    var runs = [];
    sorted.forEach(function (location, index) {
      if (index && location === sorted[index - 1] + 1) runs[runs.length - 1].length += 1;
      else runs.push({ start: location, length: 1 });
    });
    var longest = runs.reduce(function (most, run) { return Math.max(most, run.length); }, 0);
    return runs.filter(function (run) { return run.length === longest; }).map(function (run) { return run.start; });
  }

  function target(data) {
    var locations = phraseLocations(data);
    var anchors = locations.map(function (location) { return anchorBefore(data, location); });
    var row = anchors.filter(function (anchor) { return anchor && anchor.element === "tr"; })[0];
    var best = row || anchors[0];
    return best ? data.url + "#" + encodeURIComponent(best.id) : data.url;
  }

  function decoded(text) {
    var area = document.createElement("textarea");
    area.innerHTML = text;  // a textarea's content is text: nothing in it is parsed as markup
    return area.value;
  }

  function excerpt(html) {
    var paragraph = document.createElement("p");
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var text = document.createTextNode(decoded(part));
      if (marked) {
        var mark = document.createElement("mark");
        mark.appendChild(text);
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(text);
      }
      return marked;
    }, false);
    return paragraph;
  }

  function startSearch(box) {
    var input = box.querySelector("#search-input");
    var status = box.querySelector("#search-status");
    var list = box.querySelector("#search-results");
    var root = new URL(box.getAttribute("data-root"), location.href);
    var folder = new URL("pagefind/", root);
    var options = { baseUrl: root.pathname };
    var loading = fetch(new URL("parts.json", folder)).then(function (response) { return response.json(); })
      .then(function (parts) {
        return import(new URL(parts[0] + "/pagefind.js", folder).href).then(function (pagefind) {
          return pagefind.options(options).then(function () {
            return Promise.all(parts.slice(1).map(function (part) {
              return pagefind.mergeIndex(new URL(part + "/", folder).pathname, options);
            }));
          }).then(function () { return pagefind; });
        });
      });
    var latest = 0;
    function run(query) {
      var mine = ++latest;
      if (!query.trim()) { list.textContent = ""; status.textContent = ""; return; }
      status.textContent = "搜索中……";
      loading.then(function (pagefind) { return pagefind.search(query); }).then(function (found) {
        if (mine !== latest) return null;
        status.textContent = found.results.length ? "找到 " + found.results.length + " 个页面" +
          (found.results.length > SHOWN ? "，显示前 " + SHOWN + " 个" : "") : "没有找到“" + query + "”。";
        return Promise.all(found.results.slice(0, SHOWN).map(function (result) { return result.data(); }));
      }).then(function (pages) {
        if (!pages || mine !== latest) return;
        list.textContent = "";
        pages.forEach(function (data) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = target(data);
          link.textContent = decoded(data.meta.title || data.url);
          item.appendChild(link);
          item.appendChild(excerpt(data.excerpt));
          list.appendChild(item);
        });
      });
    }
    var query = new URLSearchParams(location.search).get("q") || "";
    input.value = query;
    run(query);
    box.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      run(input.value);
    });
    input.addEventListener("input", function () { run(input.value); });
  }

  function start() {
    var box = document.getElementById("site-search");
    if (box) startSearch(box);
    fillCitations();
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
    openTarget();
    window.addEventListener("hashchange", openTarget);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
