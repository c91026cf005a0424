/* "Copy for WeChat": puts the story's WeChat version (a <template> on the page, made by the
   build) on the clipboard as rich text, with a plain-text copy, for the account's editor. */
(function () {
  "use strict";
  var button = document.querySelector("[data-mh-wechat-copy]");
  if (!button || !window.ClipboardItem || !navigator.clipboard || !navigator.clipboard.write) return;
  var template = document.getElementById(button.getAttribute("data-mh-wechat-copy"));
  var status = button.parentNode.querySelector(".mh-wechat-copy__status");
  if (!template) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var item = new ClipboardItem({
      "text/html": new Blob([template.innerHTML], { type: "text/html" }),
      "text/plain": new Blob([template.getAttribute("data-text") || ""], { type: "text/plain" })
    });
    navigator.clipboard.write([item]).then(function () {
      if (status) status.textContent = status.getAttribute("data-copied");
    }, function () {
      if (status) status.textContent = status.getAttribute("data-failed");
    });
  });
})();
