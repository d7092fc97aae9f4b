// Enhancements of the pages; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary of a failed form, so that screen
  // readers announce it and the keyboard starts there.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
