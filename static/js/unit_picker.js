// Unit pickers (issue 10): wherever a unit code is asked for, type a name, pinyin initials
// or a code and pick from suggestions (GET /api/v1/units/?q=). The form still posts codes:
// the original input becomes hidden and keeps the picked code(s). A prefilled code (the
// suggested unit) shows as its name, so Enter submits it at once. Any edit of the text
// clears the code: what is sent is always what the box shows (a replaced name never sends
// the old, preselected code). On submit a text not picked must be exactly a unit's name or
// code, else the form is held with a message at the field.
(function () {
  "use strict";
  var script = document.currentScript;  // carries the translated texts and the API's address
  var API = script.dataset.api;
  var TEXT = {
    placeholder: script.dataset.placeholder,
    filter: script.dataset.filter,
    unknown: script.dataset.unknown,
    missing: script.dataset.missing
  };
  var PICKERS = {
    "dispatch-unit": {multi: false},
    "dispatch-co_units": {multi: true},
    "review-return-unit": {multi: false}
  };

  function fetchUnits(q, type, size, district) {
    var params = new URLSearchParams({q: q, page_size: String(size || 8)});
    if (type) params.append("type", type);
    if (district) params.append("district", district);  // a district-only address's streets
    return fetch(API + "?" + params, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) { return data.results || []; });
  }

  var count = 0;

  function label(unit) { return unit.name + "（" + unit.code + "）"; }

  // The unit a typed text names exactly: its code (any case) or label, else its name when
  // only one unit bears it (two streets are called 八里庄街道: those must be picked).
  function exact(rows, text) {
    var t = text.trim(), up = t.toUpperCase();
    var byCode = rows.filter(function (u) { return u.code.toUpperCase() === up || label(u) === t; });
    if (byCode.length) return byCode[0];
    var byName = rows.filter(function (u) { return u.name === t; });
    return byName.length === 1 ? byName[0] : undefined;
  }

  function makePicker(orig, multi) {
    var form = orig.form;
    var narrow = form && form.querySelector("[data-pick-type]");
    var type = narrow ? narrow.dataset.pickType : "";
    var district = narrow ? narrow.dataset.pickDistrict || "" : "";
    var box = document.createElement("div");
    box.className = "picker";
    var vis = document.createElement("input");
    vis.type = "search";
    vis.autocomplete = "off";
    vis.id = orig.id || "unit-picker-" + (++count);  // the dispatch page's rows have no id
    vis.setAttribute("role", "combobox");
    if (orig.hasAttribute("aria-label")) vis.setAttribute("aria-label", orig.getAttribute("aria-label"));
    vis.setAttribute("aria-expanded", "false");
    vis.placeholder = TEXT.placeholder;
    orig.id = vis.id + "-code";
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var chips = document.createElement("div");
    chips.className = "picked";
    chips.setAttribute("aria-live", "polite");
    orig.type = "hidden";
    orig.parentNode.insertBefore(box, orig);
    box.appendChild(vis);
    box.appendChild(list);
    box.appendChild(chips);
    box.appendChild(orig);
    var note = document.createElement("p");  // the field's message: unknown or missing unit
    note.className = "error picker-error";
    note.id = vis.id + "-error";
    note.setAttribute("role", "alert");
    note.hidden = true;
    box.appendChild(note);

    var items = [], active = -1, picked = [], timer = null, typed = false;

    function codes() {
      return orig.value.split(/[,，]/).map(function (c) { return c.trim(); }).filter(Boolean);
    }
    function renderChips() {
      chips.innerHTML = "";
      if (!multi) return;
      picked.forEach(function (unit, i) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "link";
        b.textContent = label(unit) + " ×";
        b.addEventListener("click", function () {
          picked.splice(i, 1);
          orig.value = picked.map(function (u) { return u.code; }).join(",");
          renderChips();
        });
        chips.appendChild(b);
      });
    }
    function warn(text) {
      note.textContent = text || "";
      note.hidden = !text;
      if (text) {
        vis.setAttribute("aria-invalid", "true");
        vis.setAttribute("aria-describedby", note.id);
      } else {
        vis.removeAttribute("aria-invalid");
      }
    }
    function close() {
      list.hidden = true;
      vis.setAttribute("aria-expanded", "false");
      items = []; active = -1;
    }
    function render() {
      list.innerHTML = "";
      items.forEach(function (unit, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = unit.name + " · " + unit.code;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(unit); });
        list.appendChild(li);
      });
      list.hidden = !items.length;
      vis.setAttribute("aria-expanded", items.length ? "true" : "false");
      place();
    }
    // The open list must not cover the form's buttons or other fields (the dispatch queue's
    // rows: the button sits right under the box; the review queue's: the 审核意见 box), else
    // a click meant for them picks a suggestion. Then it opens above the box, or, without
    // room there, in the flow (pushing them down).
    function covers(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }
    function place() {
      list.style.position = list.style.top = list.style.bottom = "";
      if (list.hidden || !form) return;
      var buttons = Array.prototype.filter.call(
        form.querySelectorAll("button, input:not([type=hidden]), textarea, select"),
        function (b) { return !box.contains(b); });
      function blocked() {
        var r = list.getBoundingClientRect();
        return buttons.some(function (b) { return covers(r, b.getBoundingClientRect()); });
      }
      if (!blocked()) return;
      var height = list.getBoundingClientRect().height;
      if (vis.getBoundingClientRect().top >= height) {
        list.style.top = "auto";
        list.style.bottom = (box.getBoundingClientRect().bottom - vis.getBoundingClientRect().top) + "px";
        if (!blocked()) return;
        list.style.top = list.style.bottom = "";
      }
      list.style.position = "static";
    }
    function pick(unit) {
      typed = false;
      warn("");
      if (multi) {
        if (!picked.some(function (u) { return u.code === unit.code; })) picked.push(unit);
        orig.value = picked.map(function (u) { return u.code; }).join(",");
        vis.value = "";
        renderChips();
      } else {
        orig.value = unit.code;
        vis.value = label(unit);
      }
      close();
    }
    vis.addEventListener("input", function () {
      typed = true;
      warn("");
      // The text no longer shows the picked unit: its code must not be sent.
      if (!multi) orig.value = "";
      clearTimeout(timer);
      var q = vis.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        fetchUnits(q, type, 8, district).then(function (rows) {
          if (vis.value.trim() !== q) return;
          items = rows; active = rows.length ? 0 : -1; render();
        });
      }, 120);
    });
    vis.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && items.length) {
        e.preventDefault(); active = (active + 1) % items.length; render();
      } else if (e.key === "ArrowUp" && items.length) {
        e.preventDefault(); active = (active + items.length - 1) % items.length; render();
      } else if (e.key === "Enter" && items.length && active >= 0) {
        e.preventDefault(); pick(items[active]);
      } else if (e.key === "Escape") {
        close();
      } else if (e.key === "Backspace" && multi && !vis.value && picked.length) {
        picked.pop(); orig.value = picked.map(function (u) { return u.code; }).join(",");
        renderChips();
      }
    });
    vis.addEventListener("blur", function () { setTimeout(close, 150); });
    // Typed but never picked: the text counts only if it names one unit exactly. The check
    // asks the API (the suggestions may not have arrived), so the submit waits for it.
    function pending() {
      return Boolean(vis.value.trim()) && (multi || !orig.value);
    }
    if (form) {
      form.addEventListener("submit", function (e) {
        if (!pending()) {
          if (!multi && orig.required && !orig.value) {
            e.preventDefault(); e.stopImmediatePropagation();
            warn(TEXT.missing); vis.focus();
          }
          return;
        }
        var submitter = e.submitter, text = vis.value;
        var found = exact(items, text);
        if (found) {
          // Named among the suggestions shown: taken now, and this very submit goes on (the
          // form data is read after the submit event). A requestSubmit() from here would be
          // ignored: the browser is still firing this submit event.
          pick(found);
          return;
        }
        e.preventDefault(); e.stopImmediatePropagation();
        fetchUnits(text.trim(), type).then(function (rows) {
          if (vis.value !== text) return;  // edited meanwhile: the next submit checks again
          var unit = exact(rows, text);
          if (!unit) { warn(TEXT.unknown); vis.focus(); return; }
          pick(unit);
          // After the current task: never inside a submit event still being fired.
          setTimeout(function () {
            if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
          }, 0);
        });
      }, true);  // capture: runs before the form's other submit handlers, which it may hold
    }
    // Show what is already there (the suggested unit) by name.
    codes().forEach(function (code) {
      fetchUnits(code, "").then(function (rows) {
        var unit = rows.filter(function (u) { return u.code === code; })[0];
        if (!unit) { if (!multi) vis.value = code; return; }
        if (multi) { picked.push(unit); renderChips(); } else if (!typed) { vis.value = label(unit); }
      });
    });
  }

  // Whistle: the departments are checkboxes, each with its name, code and pinyin initials
  // (data-code, data-pinyin); a filter box narrows them like any unit picker: a name's
  // characters, initials or a code at once, and what the units API also finds (城管, 朝阳市监:
  // abbreviations and a district's parts) when its answer arrives. Ticked ones stay shown.
  function filterBox(group) {
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = TEXT.filter;
    input.setAttribute("aria-label", input.placeholder);
    group.parentNode.insertBefore(input, group);
    var timer = null;
    function show(q, found) {
      var low = q.toLowerCase(), up = q.toUpperCase();
      group.querySelectorAll("label").forEach(function (l) {
        var box = l.querySelector("input") || {dataset: {}};
        var d = box.dataset;
        var hit = !q || box.checked || l.textContent.indexOf(q) !== -1 ||
          (d.pinyin || "").indexOf(low) !== -1 ||
          (d.code || "").toUpperCase().indexOf(up) !== -1 ||
          Boolean(found && found[d.code || box.value]);
        l.hidden = !hit;
        if (l.parentNode !== group) l.parentNode.hidden = !hit;  // Django wraps each in a div
      });
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      show(q, null);
      clearTimeout(timer);
      if (!q) return;
      timer = setTimeout(function () {
        fetchUnits(q, "department", 200).then(function (rows) {
          if (input.value.trim() !== q) return;
          var found = {};
          rows.forEach(function (u) { found[u.code] = true; });
          show(q, found);
        });
      }, 120);
    });
  }

  function init() {
    document.querySelectorAll("input").forEach(function (el) {
      var conf = PICKERS[el.name] || (el.hasAttribute("data-unit-picker") ? {multi: false} : null);
      if (conf && !el.dataset.picker) { el.dataset.picker = "1"; makePicker(el, conf.multi); }
    });
    var whistle = document.getElementById("id_whistle-departments");
    if (whistle && !whistle.dataset.filtered) { whistle.dataset.filtered = "1"; filterBox(whistle); }
  }
  init();
  window.unitPickers = {init: init};
})();
