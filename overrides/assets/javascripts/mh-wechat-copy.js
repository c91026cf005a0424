/* "Copy for WeChat": puts the story's WeChat version (a <template> on the page, made by the
   build) on the clipboard as rich text, with a plain-text copy (a line per block), for the
   account's editor. */
(function () {
  "use strict";
  var BLOCKS = "h1,h2,h3,h4,p,li,pre,figcaption,tr";
  var button = document.querySelector("[data-mh-wechat-copy]");
  if (!button || !window.ClipboardItem || !navigator.clipboard || !navigator.clipboard.write) return;
  var template = document.getElementById(button.getAttribute("data-mh-wechat-copy"));
  var status = button.parentNode.querySelector(".mh-wechat-copy__status");
  if (!template) return;

  function plainText(fragment) {
    var lines = [];
    fragment.querySelectorAll(BLOCKS).forEach(function (block) {
      if (block.parentElement && block.parentElement.closest(BLOCKS)) return;  // inside another
      var line = block.tagName === "TR"
        ? Array.prototype.map.call(block.children, function (c) { return c.textContent.trim(); }).join("\t")
        : block.textContent.trim();
      if (line) lines.push(line);
    });
    return lines.join("\n\n") + "\n";
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    var item = new ClipboardItem({
      "text/html": new Blob([template.innerHTML], { type: "text/html" }),
      "text/plain": new Blob([plainText(template.content)], { type: "text/plain" })
    });
    navigator.clipboard.write([item]).then(function () {
      if (status) status.textContent = status.getAttribute("data-copied");
    }, function () {
      if (status) status.textContent = status.getAttribute("data-failed");
    });
  });
})();
