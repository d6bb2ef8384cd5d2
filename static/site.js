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
  // Answering a next question beside the results: the same form post, fetched, and the page's main region swapped
  // for the new results (no full reload). Anything but a results page coming back is shown the ordinary way.
  var bypass = false;
  function answerInPlace(event) {
    var form = event.target, button = event.submitter;
    if (bypass || form.id !== "answers" || !button || button.name !== "answered" || !window.fetch) { return; }
    event.preventDefault();
    var data = new FormData(form);
    data.append(button.name, button.value);
    var main = document.getElementById("main");
    main.setAttribute("aria-busy", "true");
    fetch(form.action, {method: "POST", body: data, credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (text) {
      var fresh = new DOMParser().parseFromString(text, "text/html");
      var next = fresh.getElementById("main");
      if (!next || !fresh.getElementById("answers")) { return Promise.reject("not results"); }
      main.innerHTML = next.innerHTML;
      document.title = fresh.title;
      main.removeAttribute("aria-busy");
      var heading = document.getElementById("next-questions-title") || main;
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: true});
    }).catch(function () {
      main.removeAttribute("aria-busy");
      bypass = true;
      button.click();
    });
  }
  // "Add another project" adds the row in place, as the server would (a copy of the last row, emptied, named by its
  // index), and puts the keyboard on it; without script (or at the limit) the button posts the form instead.
  function addProjectRow(event) {
    var button = event.submitter;
    if (!button || button.name !== "add_project") { return; }
    var box = button.parentElement;
    var rows = box.querySelectorAll(".project-row");
    var limit = parseInt(box.getAttribute("data-max"), 10);
    var words = box.getAttribute("data-row-label");
    if (!rows.length || !words || !(rows.length < limit)) { return; }
    event.preventDefault();
    var last = rows[rows.length - 1], row = last.cloneNode(true), id = button.value + "-" + rows.length;
    var error = row.querySelector(".field-error");
    if (error) { row.removeChild(error); }
    row.classList.remove("has-error");
    var label = row.querySelector("label"), field = row.querySelector("select, input");
    label.htmlFor = id;
    label.textContent = words.replace("{number}", String(rows.length + 1));
    field.id = id;
    field.name = id;
    field.removeAttribute("aria-describedby");
    field.removeAttribute("autofocus");
    field.value = "";
    last.parentNode.insertBefore(row, last.nextSibling);
    button.hidden = rows.length + 1 >= limit;
    field.focus();
  }
  document.addEventListener("submit", addProjectRow);
  document.addEventListener("submit", answerInPlace);
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
