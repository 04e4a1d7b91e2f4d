// Enhancements only: every page works without JavaScript.
(function () {
  "use strict";
  function debounce(fn, ms) { var t; return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); }; }

  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = input.id === "q" ? document.getElementById("suggestions") : null;
    if (!list) {
      list = document.createElement("ul");
      list.className = "suggestions"; list.hidden = true; list.setAttribute("role", "listbox");
      input.parentNode.style.position = "relative"; input.parentNode.appendChild(list);
    }
    var active = -1;
    function items() { return Array.prototype.slice.call(list.querySelectorAll("li")); }
    function choose(li) {
      if (input.id === "q") { window.location.href = "/entity/" + encodeURIComponent(li.dataset.slug); }
      else { input.value = li.dataset.slug; list.hidden = true; }
    }
    var fetchSuggestions = debounce(function () {
      var q = input.value.trim();
      if (!q) { list.hidden = true; return; }
      fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (rows) {
        list.innerHTML = ""; active = -1;
        rows.forEach(function (row) {
          var li = document.createElement("li");
          li.setAttribute("role", "option"); li.dataset.slug = row.slug;
          var name = document.createElement("bdi"); name.textContent = row.name; li.appendChild(name);
          var small = document.createElement("small"); small.textContent = " — " + row.articles + " خبرا" + (row.matched !== row.name ? " (" + row.matched + ")" : ""); li.appendChild(small);
          li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
          list.appendChild(li);
        });
        list.hidden = rows.length === 0;
      }).catch(function () { list.hidden = true; });
    }, 120);
    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
    input.addEventListener("keydown", function (e) {
      var li = items(); if (list.hidden || !li.length) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault(); active = (active + (e.key === "ArrowDown" ? 1 : li.length - 1)) % li.length;
        li.forEach(function (x, i) { x.setAttribute("aria-selected", i === active ? "true" : "false"); });
      } else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(li[active]); }
      else if (e.key === "Escape") { list.hidden = true; }
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
