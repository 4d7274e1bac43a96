// Operator console: category filter (name, pinyin initials or spelling), address match,
// likely repeats, the caller's history as the phone is typed, and the keyboard flow
// (issue 10): the phone field has focus when the console opens; after saving, the next
// step (dispatch to the suggested unit, Enter; an enquiry's answer) is the first step,
// focused; Alt+Shift+1…9 merges into a ticket of the history (Alt+1…5 is the knowledge
// box's: one key, one thing).
(function () {
  "use strict";
  var form = document.getElementById("intake");
  if (!form) return;
  var triage = document.getElementById("triage");
  var history = document.getElementById("caller-history");
  var filter = document.getElementById("category-filter");
  var select = document.getElementById("id_category");
  var urgency = document.getElementById("id_urgency");
  var address = document.getElementById("id_address");
  var phone = document.getElementById("id_caller_phone");
  var match = document.getElementById("address-match");
  var repeats = document.getElementById("repeats");

  function applyFilter() {
    // NFKC and no spaces: ｄｉａｎ ｔｉ is dianti, 电梯 故障 the name 电梯故障
    var q = filter.value.normalize("NFKC").replace(/\s+/g, "").toLowerCase();
    var first = null;
    Array.prototype.forEach.call(select.options, function (opt) {
      var hit = !q || opt.dataset.search.replace(/\s+/g, "").toLowerCase().indexOf(q) !== -1;
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
    var place = [data.district, data.street, data.community].filter(Boolean).join(" · ");
    if (data.street) {
      match.textContent = form.dataset.matched + place
        + (data.via === "road" ? form.dataset.byRoad : "");
    } else if (data.district) {
      // Only the district is known: no match, the street is still to be picked.
      match.textContent = form.dataset.districtOnly + data.district + form.dataset.pickStreet;
    } else {
      match.textContent = address.value ? form.dataset.unmatched : "";
    }
    match.classList.toggle("matched", Boolean(data.street));
    match.classList.toggle("no-match", Boolean(address.value) && !data.street);
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

  // --- Caller history (来电弹屏) ---------------------------------------------------------
  var OPEN = ["new", "dispatched", "signed", "in_progress", "returned", "replied"];
  var labels = document.getElementById("status-labels");
  var STATUS = labels ? JSON.parse(labels.textContent) : {};
  function digits(text) { return (text || "").replace(/\D/g, ""); }
  function historyOf(number) {
    var url = form.dataset.history.replace(/0\/tickets\/$/, encodeURIComponent(number) + "/tickets/");
    return fetch(url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : []; });
  }
  function row(t) {
    var li = document.createElement("li");
    if (OPEN.indexOf(t.status) !== -1) li.className = "open";
    var a = document.createElement("a");
    a.href = "/tickets/" + t.number + "/"; a.target = "_blank"; a.textContent = t.number;
    li.appendChild(a);
    li.appendChild(document.createTextNode(
      " " + t.received_at.slice(0, 10) + " · " + (STATUS[t.status] || t.status) + " · " +
      (t.category_path || t.category) + " · " + (t.content || "").slice(0, 24)));
    return li;
  }
  var historyTimer = null, lastPhone = "";
  function clearHistory() {
    history.innerHTML = "";
    var hint = document.createElement("li");
    hint.className = "muted"; hint.textContent = form.dataset.historyEmpty;
    history.appendChild(hint);
  }
  function showHistory() {
    // Sent as typed: the API reads an extension (转12, -12) and groups as intake stores
    // them; the digits alone would make 010-64721234转12 another, unknown number.
    var number = phone.value.trim();
    if (digits(number).length < 7) {
      // Emptied or cut short: the previous caller's tickets must not stay on screen.
      clearTimeout(historyTimer);
      if (lastPhone) clearHistory();
      lastPhone = "";
      return;
    }
    if (number === lastPhone) return;
    lastPhone = number;
    clearTimeout(historyTimer);
    historyTimer = setTimeout(function () {
      historyOf(number).then(function (rows) {
        if (phone.value.trim() !== number) return;
        history.innerHTML = "";
        if (!rows.length) {
          var none = document.createElement("li");
          none.className = "muted"; none.textContent = form.dataset.noHistory;
          history.appendChild(none);
        }
        rows.forEach(function (t) { history.appendChild(row(t)); });
      });
    }, 200);
  }
  phone.addEventListener("input", showHistory);

  // After saving: the same history beside the merge step, each open ticket one key away:
  // Alt+Shift+digit (read from the key's position: with Shift, e.key is "!" and the like).
  function mergeKeys() {
    var list = document.getElementById("merge-history");
    if (!triage || !list || !triage.dataset.phone) return;
    var token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    historyOf(triage.dataset.phone).then(function (rows) {
      var targets = rows.filter(function (t) {
        return t.number !== triage.dataset.number && OPEN.indexOf(t.status) !== -1;
      }).slice(0, 9);
      targets.forEach(function (t, i) {
        var li = row(t);
        var kbd = document.createElement("kbd");
        kbd.textContent = "Alt+Shift+" + (i + 1);
        li.insertBefore(document.createTextNode(" "), li.firstChild);
        li.insertBefore(kbd, li.firstChild);
        list.appendChild(li);
      });
      document.addEventListener("keydown", function (e) {
        var digit = /^(?:Digit|Numpad)([1-9])$/.exec(e.code || "");
        var n = digit ? parseInt(digit[1], 10) : 0;
        if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return;
        if (!(n >= 1 && n <= targets.length)) return;
        e.preventDefault();
        var post = document.createElement("form");
        post.method = "post"; post.action = triage.dataset.merge;
        [["csrfmiddlewaretoken", token], ["merge-into", targets[n - 1].number],
         ["next", window.location.pathname]].forEach(function (pair) {
          var input = document.createElement("input");
          input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
          post.appendChild(input);
        });
        document.body.appendChild(post);
        post.submit();
      });
    });
  }
  select.addEventListener("change", function () {
    var opt = select.options[select.selectedIndex];
    if (opt && urgency && !urgency.dataset.touched) urgency.value = opt.dataset.urgency;
    lookup();
  });
  if (urgency) urgency.addEventListener("change", function () { urgency.dataset.touched = "1"; });
  // Ctrl+Enter submits from anywhere in the form, the textarea included; so it does in each
  // step of the triage panel (the answer step's text).
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  if (triage) triage.addEventListener("keydown", function (e) {
    var step = e.target.closest && e.target.closest("form.step");
    if (!step || e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    step.requestSubmit();
  });
  if (address.value || phone.value) lookup();
  if (phone.value) showHistory();

  // A district-only address: the district's streets are listed beside the unit picker; a
  // choice there fills the picker (its shown name and the code it posts); Enter sends it.
  function districtStreets() {
    var list = document.getElementById("district-streets");
    if (!list) return;
    function take() {
      var opt = list.options[list.selectedIndex];
      var shown = document.getElementById("id_dispatch-unit");
      var code = document.getElementById("id_dispatch-unit-code");
      if (!opt || !shown || !code) return false;
      code.value = opt.value;
      shown.value = opt.dataset.label;
      return true;
    }
    list.addEventListener("change", take);
    list.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      if (take()) list.form.requestSubmit();
    });
  }

  // Focus: the next step after a save, else the phone. Unit pickers (deferred) are ready
  // by DOMContentLoaded. The next step is the server's (an enquiry: the answer; else the
  // dispatch), or the answer when a knowledge article has filled it (Alt+1…5 before
  // saving). That step goes first, under the ticket's number and status, and gets focus.
  var FIELDS = {
    answer: ["textarea[name='answer-answer']"],
    dispatch: ["input[type=search]", "input:not([type=hidden])"]
  };
  document.addEventListener("DOMContentLoaded", function () {
    mergeKeys();
    districtStreets();
    if (!triage) { phone.focus(); return; }
    var article = triage.querySelector("#step-answer [name='answer-article']");
    var name = article && article.value ? "answer" : triage.dataset.next;
    var step = name && triage.querySelector("#step-" + name);
    if (step && step.parentNode.firstElementChild !== step) {
      step.parentNode.insertBefore(step, step.parentNode.firstElementChild);
    }
    var next = null;
    if (step) {
      (FIELDS[name] || []).concat(["textarea", "select", "input:not([type=hidden])",
        "button.primary", "button"]).some(function (selector) {
        next = step.querySelector(selector);
        return next;
      });
    }
    if (next) {
      next.focus();  // scrolls only if needed: the number and message above stay in view
    } else {
      phone.focus();
    }
  });
})();
