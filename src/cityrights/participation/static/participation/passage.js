// Select a passage of the section to comment on it. Without this script the passage field
// is filled by hand (copy and paste), so nothing depends on it.
(function () {
  "use strict";
  var source = document.querySelector("[data-passage-source]");
  var form = document.querySelector("form[data-passage-button]");
  if (!source || !form) { return; }
  var quote = form.querySelector("textarea[name=quote]");
  var body = form.querySelector("textarea[name=body]");
  if (!quote || !body) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "passage-button button--secondary";
  button.textContent = form.getAttribute("data-passage-button");
  button.hidden = true;
  source.parentNode.insertBefore(button, source.nextSibling);
  function selected() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return ""; }
    var range = selection.getRangeAt(0);
    if (!source.contains(range.commonAncestorContainer)) { return ""; }
    return selection.toString().replace(/\s+/g, " ").trim().slice(0, 1000);
  }
  function update() { button.hidden = selected() === ""; }
  document.addEventListener("selectionchange", update);
  button.addEventListener("click", function () {
    var text = selected();
    if (!text) { return; }
    quote.value = text;
    button.hidden = true;
    body.focus();
  });
})();
