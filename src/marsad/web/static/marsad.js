// Enhancements only: every page works without JavaScript.
(function () {
  "use strict";
  function debounce(fn, ms) { var t; return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); }; }
  var counter = 0;

  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = input.id === "q" ? document.getElementById("suggestions") : null;
    if (!list) {
      list = document.createElement("ul");
      list.className = "suggestions"; list.hidden = true; list.setAttribute("role", "listbox");
      list.id = "suggestions-" + (++counter);
      input.parentNode.style.position = "relative"; input.parentNode.appendChild(list);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-autocomplete", "list");
    var status = document.createElement("span");
    status.className = "visually-hidden"; status.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(status);
    var active = -1, pending = null, latest = 0;
    function items() { return Array.prototype.slice.call(list.querySelectorAll("li")); }
    function show(on) { list.hidden = !on; input.setAttribute("aria-expanded", on ? "true" : "false"); if (!on) input.removeAttribute("aria-activedescendant"); }
    function choose(li) {
      if (input.id === "q") { window.location.href = "/entity/" + encodeURIComponent(li.dataset.slug); }
      else { input.value = li.dataset.slug; show(false); }
    }
    var fetchSuggestions = debounce(function () {
      var q = input.value.trim();
      if (!q) { show(false); return; }
      if (pending) pending.abort();
      pending = window.AbortController ? new AbortController() : null;
      var ticket = ++latest;
      fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(q), pending ? { signal: pending.signal } : {})
        .then(function (r) { return r.json(); }).then(function (rows) {
          if (ticket !== latest) return;
          list.innerHTML = ""; active = -1;
          rows.forEach(function (row, i) {
            var li = document.createElement("li");
            li.setAttribute("role", "option"); li.id = list.id + "-" + i; li.dataset.slug = row.slug;
            var name = document.createElement("bdi"); name.textContent = row.name; li.appendChild(name);
            var small = document.createElement("small");
            small.textContent = " — " + row.articles.toLocaleString("en") + " خبرا" + (row.matched !== row.name ? " (" + row.matched + ")" : "");
            li.appendChild(small);
            li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
            list.appendChild(li);
          });
          show(rows.length > 0);
          status.textContent = rows.length ? rows.length + " اقتراحات" : "لا اقتراحات";
        }).catch(function () { });
    }, 60);
    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("blur", function () { setTimeout(function () { show(false); }, 150); });
    input.addEventListener("keydown", function (e) {
      var li = items(); if (list.hidden || !li.length) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault(); active = (active + (e.key === "ArrowDown" ? 1 : li.length - 1)) % li.length;
        li.forEach(function (x, i) { x.setAttribute("aria-selected", i === active ? "true" : "false"); });
        input.setAttribute("aria-activedescendant", li[active].id);
      } else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(li[active]); }
      else if (e.key === "Escape") { show(false); }
    });
  });

  document.querySelectorAll("[data-copy]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button"; button.textContent = "انسخ الرابط";
    button.addEventListener("click", function () {
      input.select();
      (navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject()).then(
        function () { button.textContent = "تم النسخ"; }, function () { document.execCommand("copy"); button.textContent = "تم النسخ"; });
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
