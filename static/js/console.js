// Operator console: category filter (name or pinyin initials), address match, likely repeats.
(function () {
  "use strict";
  var form = document.getElementById("intake");
  if (!form) return;
  var filter = document.getElementById("category-filter");
  var select = document.getElementById("id_category");
  var urgency = document.getElementById("id_urgency");
  var address = document.getElementById("id_address");
  var phone = document.getElementById("id_caller_phone");
  var match = document.getElementById("address-match");
  var repeats = document.getElementById("repeats");

  function applyFilter() {
    var q = filter.value.trim().toLowerCase();
    var first = null;
    Array.prototype.forEach.call(select.options, function (opt) {
      var hit = !q || opt.dataset.search.toLowerCase().indexOf(q) !== -1;
      opt.hidden = !hit;
      if (hit && !first) first = opt;
    });
    if (q && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) {
      first.selected = true;
      select.dispatchEvent(new Event("change"));
    }
  }
  filter.addEventListener("input", applyFilter);
  // Enter in the filter keeps the first match and moves on instead of submitting.
  filter.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); applyFilter(); select.focus(); }
    if (e.key === "ArrowDown") { e.preventDefault(); select.focus(); }
  });

  var timer = null;
  function lookup() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var params = new URLSearchParams({
        address: address.value, phone: phone.value, category: select.value || ""
      });
      fetch(form.dataset.lookup + "?" + params, {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(show);
    }, 250);
  }
  function show(data) {
    var place = [data.district, data.street].filter(Boolean).join(" · ");
    match.textContent = place ? form.dataset.matched + place
      : (address.value ? form.dataset.unmatched : "");
    match.classList.toggle("matched", Boolean(data.street));
    repeats.innerHTML = "";
    if (!data.repeats.length) {
      var none = document.createElement("li");
      none.className = "muted"; none.textContent = form.dataset.noRepeats;
      repeats.appendChild(none);
    }
    data.repeats.forEach(function (t) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = t.url; a.target = "_blank"; a.textContent = t.number;
      li.appendChild(a);
      li.appendChild(document.createTextNode(
        " " + t.received_at + " · " + t.category + " · " + t.street + " · " + t.status));
      repeats.appendChild(li);
    });
  }
  [address, phone].forEach(function (el) { el.addEventListener("input", lookup); });
  select.addEventListener("change", function () {
    var opt = select.options[select.selectedIndex];
    if (opt && urgency && !urgency.dataset.touched) urgency.value = opt.dataset.urgency;
    lookup();
  });
  if (urgency) urgency.addEventListener("change", function () { urgency.dataset.touched = "1"; });
  // Ctrl+Enter submits from anywhere in the form, the textarea included.
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  if (address.value || phone.value) lookup();
})();
