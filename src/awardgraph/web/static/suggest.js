// Suggestions under the search box of every page, from /search?format=json. Without this script the box is a
// plain form that opens /search. Keyboard: Down/Up move through the suggestions, Enter opens one, Escape closes.
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  var list = document.getElementById("site-search-suggestions");
  if (!input || !list) return;
  var timer = null;
  var active = -1;
  var latest = 0;

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function mark(index) {
    var items = list.querySelectorAll("li");
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function show(results) {
    close();
    results.forEach(function (hit, i) {
      if (!hit.href) return;
      var item = document.createElement("li");
      item.id = "site-search-option-" + i;
      item.setAttribute("role", "option");
      var link = document.createElement("a");
      link.href = hit.href;
      link.textContent = hit.label;
      link.tabIndex = -1;
      item.appendChild(link);
      if (hit.typeLabel) {
        var kind = document.createElement("small");
        kind.textContent = " " + hit.typeLabel;
        item.appendChild(kind);
      }
      list.appendChild(item);
    });
    if (list.children.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  function ask() {
    var typed = input.value.trim();
    if (!typed) { close(); return; }
    var ticket = ++latest;
    var url = "/search?format=json&limit=8&lang=" + encodeURIComponent(document.documentElement.lang) +
      "&q=" + encodeURIComponent(typed);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (ticket === latest) show(data.results || []); })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { mark(active + 1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { mark(active - 1); event.preventDefault(); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = list.querySelectorAll("li a")[active].getAttribute("href");
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 200); });
})();
