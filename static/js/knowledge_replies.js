// Reply form: a unit's reply templates (常用回复) in a select that fills the note.
(function () {
  "use strict";
  var picker = document.getElementById("reply-template-picker");
  var note = document.getElementById("id_reply-note");
  if (!picker || !note) return;
  note.closest(".field").before(picker.content.cloneNode(true));
  document.getElementById("reply-template").addEventListener("change", function (e) {
    var option = e.target.selectedOptions[0];
    if (option && option.dataset.text) { note.value = option.dataset.text; note.focus(); }
  });
})();
