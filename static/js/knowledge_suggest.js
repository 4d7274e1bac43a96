// Console: the knowledge base's best published articles for the picked category and the
// content typed so far. Alt+1…5 (or a click) puts an article's answer into the "answer"
// step and records which article it was; before intake the choice waits until the
// triage panel appears.
(function () {
  "use strict";
  var box = document.getElementById("knowledge-suggest");
  if (!box) return;
  var list = document.getElementById("knowledge-suggestions");
  var picked = document.getElementById("knowledge-picked");
  var category = document.getElementById("id_category");
  var content = document.getElementById("id_content");
  var KEY = "knowledge-pick";
  var shown = [];

  function answerForm() {
    return {
      text: document.getElementById("id_answer-answer"),
      article: document.getElementById("id_answer-article")
    };
  }

  function fill(item) {
    var form = answerForm();
    if (!form.text) {
      // Not triaged yet: remember it for the answer step after intake.
      sessionStorage.setItem(KEY, JSON.stringify(item));
      picked.textContent = box.dataset.picked + " · " + item.title;
      return;
    }
    form.text.value = item.answer;
    if (form.article) form.article.value = item.id;
    picked.textContent = "";
    form.text.focus();
  }

  function render(items) {
    shown = items;
    list.innerHTML = "";
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "muted"; none.textContent = box.dataset.empty;
      list.appendChild(none);
      return;
    }
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.className = "suggestion";
      li.dataset.article = item.id;
      var head = document.createElement("strong");
      head.textContent = (i + 1) + ". " + item.title;
      var use = document.createElement("button");
      use.type = "button"; use.className = "link"; use.textContent = box.dataset.use;
      use.setAttribute("aria-keyshortcuts", "Alt+" + (i + 1));
      use.addEventListener("click", function () { fill(item); });
      var answer = document.createElement("div");
      answer.className = "note"; answer.textContent = item.answer;
      li.appendChild(head); li.appendChild(document.createTextNode(" ")); li.appendChild(use);
      li.appendChild(answer);
      list.appendChild(li);
    });
  }

  var timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var params = new URLSearchParams({
        category: (category && category.value) || box.dataset.category || "",
        content: (content && content.value) || box.dataset.content || ""
      });
      if (!params.get("category") && !params.get("content").trim()) return;
      fetch(box.dataset.url + "?" + params, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(render);
    }, 250);
  }

  if (category) category.addEventListener("change", refresh);
  if (content) content.addEventListener("input", refresh);
  document.addEventListener("keydown", function (e) {
    // Alt+digit only: Alt+Shift+digit is the merge step's (console.js), one key one thing.
    if (!e.altKey || e.shiftKey || e.ctrlKey || e.metaKey) return;
    var n = parseInt(e.key, 10);
    if (n >= 1 && n <= shown.length) { e.preventDefault(); fill(shown[n - 1]); }
  });

  // After intake: an article picked while typing goes into the answer step now.
  var waiting = sessionStorage.getItem(KEY);
  if (waiting && answerForm().text) {
    sessionStorage.removeItem(KEY);
    fill(JSON.parse(waiting));
  }
  refresh();
})();
