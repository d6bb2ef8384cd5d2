// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function valueOf(name) {
    var inputs = document.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) { return el.value; } }
      else { return el.value; }
    }
    return "";
  }
  function refresh() {
    var blocks = document.querySelectorAll("[data-show-when]");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var wanted = block.getAttribute("data-show-values").split(",");
      var shown = wanted.indexOf(valueOf(block.getAttribute("data-show-when"))) !== -1;
      block.hidden = !shown;
    }
  }
  // A link to a question folded under "More questions" opens the fold (browsers without auto-expanding details).
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
    if (target) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", function () {
    openTarget();
    document.documentElement.classList.add("js");
    refresh();
    document.addEventListener("change", refresh);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
