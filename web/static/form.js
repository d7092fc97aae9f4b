// Enhancements of the response form; the form works without them (every
// question is then shown, each conditional one saying when it applies).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.response-form");
  if (!form) { return; }

  // Conditional questions: a question with data-show-if="<key>" is shown
  // only while one of the options in data-show-if-in is chosen in the
  // question <key>, itself shown. Questions come in document order and a
  // condition names an earlier question, so one pass decides them all. A
  // question with a problem stays shown, so that the error summary's link
  // to it leads somewhere. Nothing moves the focus.
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
  function chosen(key) {
    var out = {};
    var inputs = form.querySelectorAll("input[name='q." + key + "']");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) { out[inputs[i].value] = true; }
    }
    return out;
  }
  function update() {
    conditional.forEach(function (question) {
      var key = question.getAttribute("data-show-if");
      var trigger = document.getElementById("question-" + key);
      var shown = false;
      if (trigger && !trigger.hidden) {
        var answers = chosen(key);
        shown = question.getAttribute("data-show-if-in").split(" ").some(function (option) { return answers[option]; });
      }
      if (question.querySelector(".error-message")) { shown = true; }
      question.hidden = !shown;
    });
  }
  if (conditional.length) {
    form.addEventListener("change", update);
    update();
  }

  // A warning before leaving the page with changes not saved: once
  // something is typed or chosen (or when the page shows typed answers
  // that were refused), and not when the form itself is being sent.
  var changed = form.getAttribute("data-unsaved") === "true";
  var submitting = false;
  function markChanged() { changed = true; }
  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (changed && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
