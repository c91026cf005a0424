/* Masthead: share bar, views counter and comments. First-party, no dependencies.
 * Progressive enhancement: without this file the WeChat QR code (<details>) and the Weibo link
 * still work (inside WeChat too, where this file swaps the code for a hint to use WeChat's menu); the buttons it needs stay hidden, and no count or comment is ever faked. */
(function () {
  "use strict";

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function reveal(button) {
    var item = button.closest("li") || button;
    item.hidden = false;
  }

  /* Copy: the Clipboard API where the page may use it, else a hidden textarea and
   * execCommand("copy"); if both fail, the link is shown selected for the reader to copy. */
  function legacyCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return legacyCopy(text); }
      );
    }
    return Promise.resolve(legacyCopy(text));
  }

  each("[data-mh-copy]", function (button) {
    var bar = button.closest(".mh-share");
    var status = bar && bar.querySelector(".mh-share__status");
    var field = bar && bar.querySelector(".mh-share__field");
    reveal(button);
    button.addEventListener("click", function () {
      copy(button.getAttribute("data-mh-copy")).then(function (ok) {
        if (status) status.textContent = button.getAttribute(ok ? "data-mh-done" : "data-mh-failed");
        if (!ok && field) {
          field.hidden = false;
          field.focus();
          field.select();
        }
      });
    });
  });

  /* The system share sheet, only where the browser has one. */
  if (typeof navigator.share === "function") {
    each("[data-mh-share]", function (button) {
      reveal(button);
      button.addEventListener("click", function () {
        navigator.share({
          title: button.getAttribute("data-mh-title"),
          url: button.getAttribute("data-mh-share")
        }).catch(function () { /* the reader closed the sheet */ });
      });
    });
  }

  /* Inside WeChat's own browser (its user agent says "MicroMessenger") a QR code of the page the
   * reader is already on is no use: the WeChat button shows the hint to use WeChat's menu (top
   * right "···": Send to Chat, Share to Moments) instead. Without this script the code stays. */
  if (/MicroMessenger/i.test(navigator.userAgent)) {
    each("[data-mh-wechat]", function (details) {
      var summary = details.querySelector("summary");
      var qr = details.querySelector(".mh-share__qr");
      var menu = details.querySelector(".mh-share__menu");
      var label = details.querySelector("[data-mh-wechat-label]");
      var close = menu && menu.querySelector(".mh-share__close");
      if (!summary || !menu) return;
      details.classList.add("mh-share__wechat--inapp");
      if (qr) qr.hidden = true;
      menu.hidden = false;
      if (label) label.textContent = label.getAttribute("data-mh-wechat-label");
      function shut() {
        details.open = false;
        summary.focus();
      }
      if (close) close.addEventListener("click", shut);
      details.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && details.open) shut();
      });
    });
  }

  /* Views: record this view if the service needs a request for it, then show the count it
   * returns ({"count": ...}). Any failure leaves the counter hidden. */
  each("[data-mh-counter]", function (box) {
    if (!window.fetch) return;
    var options = { credentials: "omit", referrerPolicy: "no-referrer" };
    var hit = box.getAttribute("data-mh-hit");
    var recorded = hit
      ? fetch(hit, { mode: "no-cors", credentials: "omit", keepalive: true }).catch(function () {})
      : Promise.resolve();
    recorded
      .then(function () { return fetch(box.getAttribute("data-mh-counter"), options); })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        var count = data && data.count;
        if (typeof count === "number") count = count.toLocaleString();
        if (typeof count !== "string" || !/^[0-9][0-9,.\u00a0\u202f ]*$/.test(count)) return;
        box.querySelector("[data-mh-count]").textContent = count;
        box.hidden = false;
      })
      .catch(function () {});
  });

  /* Giscus: giscus.app's script is a third party, so it loads only when the reader asks. */
  each("[data-mh-giscus]", function (box) {
    var button = box.querySelector(".mh-comments__load");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var config = JSON.parse(box.getAttribute("data-mh-giscus"));
      var script = document.createElement("script");
      script.src = box.getAttribute("data-mh-giscus-client");
      script.async = true;
      script.crossOrigin = "anonymous";
      Object.keys(config).forEach(function (key) {
        script.setAttribute("data-" + key, config[key]);
      });
      box.querySelector(".giscus").appendChild(script);
      button.remove();
    });
  });
})();
