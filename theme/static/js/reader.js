/* Reading tools: font size (A- A A+), print, back, share, copy link; the
   shared sidebar widgets put inline.
   Progressive enhancement: every control that needs JavaScript is `hidden`
   in the HTML and only shown here. No third-party code. */
(function () {
  "use strict";
  var STEPS = [0.875, 1, 1.125, 1.25, 1.5, 1.75];
  var DEFAULT = 1;
  var KEY = "portal.fontStep";
  var root = document.documentElement;

  function readStep() {
    try {
      var v = parseInt(window.localStorage.getItem(KEY), 10);
      return v >= 0 && v < STEPS.length ? v : DEFAULT;
    } catch (e) { return DEFAULT; }
  }
  function saveStep(step) {
    try { window.localStorage.setItem(KEY, String(step)); } catch (e) { /* private mode */ }
  }
  function applyStep(step) {
    root.style.setProperty("--reader-scale", String(STEPS[step]));
    root.setAttribute("data-font-step", String(step));
  }

  var step = readStep();
  applyStep(step);

  function setupFontSize(group) {
    var status = group.querySelector("[data-font-status]");
    var buttons = group.querySelectorAll("[data-font-step]");
    function refresh(announce) {
      for (var i = 0; i < buttons.length; i++) {
        var d = parseInt(buttons[i].getAttribute("data-font-step"), 10);
        var disabled = (d < 0 && step === 0) || (d > 0 && step === STEPS.length - 1);
        buttons[i].setAttribute("aria-disabled", disabled ? "true" : "false");
        if (d === 0) buttons[i].setAttribute("aria-pressed", step === DEFAULT ? "true" : "false");
      }
      if (announce && status) status.textContent = "Cỡ chữ: " + Math.round(STEPS[step] * 100) + "%";
    }
    group.addEventListener("click", function (event) {
      var button = event.target.closest("[data-font-step]");
      if (!button) return;
      var d = parseInt(button.getAttribute("data-font-step"), 10);
      var next = d === 0 ? DEFAULT : Math.min(STEPS.length - 1, Math.max(0, step + d));
      step = next;
      applyStep(step);
      saveStep(step);
      refresh(true);
    });
    refresh(false);
    group.hidden = false;
  }

  function setupBack(link) {
    link.addEventListener("click", function (event) {
      var sameSite = document.referrer && document.referrer.indexOf(location.origin + "/") === 0;
      if (sameSite && window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  }

  function absolute(url) {
    try { return new URL(url, location.href).href; } catch (e) { return location.href; }
  }

  function setupShare(section) {
    var status = section.querySelector("[data-share-status]");
    var native = section.querySelector("[data-share-native]");
    if (native && navigator.share) {
      section.querySelector("[data-share-native-item]").hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: native.getAttribute("data-title"), url: absolute(native.getAttribute("data-url")) })
          .catch(function () { /* dismissed */ });
      });
    }
    var copy = section.querySelector("[data-copy-link]");
    if (copy && navigator.clipboard && window.isSecureContext) {
      section.querySelector("[data-copy-item]").hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(absolute(copy.getAttribute("data-url"))).then(function () {
          status.textContent = "Đã sao chép liên kết bài viết.";
        }, function () {
          status.textContent = "Không sao chép được, hãy chép địa chỉ trên thanh trình duyệt.";
        });
      });
    }
  }

  /* "Tin mới đăng" and "Chuyên mục" come from one shared page shown in an
     iframe (partials/sidebar_frame.html). Fetch that page (same site only)
     and put its widgets in place of the iframe, so they take the page's font
     size and layout. Its links are made absolute against the shared page's
     address (they are relative to it in development builds). Nothing is
     parsed as HTML in this page: the fetched document is parsed apart
     (DOMParser runs no script) and only its widget sections are imported. On
     any failure the iframe stays. */
  function inlineSidebar(frame) {
    var source;
    try { source = new URL(frame.getAttribute("src"), location.href); } catch (e) { return; }
    if (source.origin !== location.origin || !window.fetch || !window.DOMParser) return;
    fetch(source.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var box = doc.querySelector("[data-sidebar-widgets]");
      if (!box || !frame.parentNode) return;
      var widgets = document.createDocumentFragment();
      var sections = box.querySelectorAll(":scope > section.widget");
      for (var i = 0; i < sections.length; i++) {
        var node = document.importNode(sections[i], true);
        var scripts = node.querySelectorAll("script");
        for (var s = 0; s < scripts.length; s++) scripts[s].remove();
        var links = node.querySelectorAll("a[href]");
        for (var j = 0; j < links.length; j++) {
          var target = new URL(links[j].getAttribute("href"), source.href);
          if (target.protocol === "http:" || target.protocol === "https:") links[j].setAttribute("href", target.href);
          else links[j].removeAttribute("href");
          links[j].removeAttribute("target");
        }
        widgets.appendChild(node);
      }
      if (sections.length) frame.parentNode.replaceChild(widgets, frame);
    }).catch(function () { /* offline or not served: the iframe shows them */ });
  }

  function init() {
    var frames = document.querySelectorAll("[data-sidebar-frame]");
    for (var f = 0; f < frames.length; f++) inlineSidebar(frames[f]);
    var groups = document.querySelectorAll("[data-font-size]");
    for (var i = 0; i < groups.length; i++) setupFontSize(groups[i]);
    var prints = document.querySelectorAll("[data-print]");
    for (var j = 0; j < prints.length; j++) {
      prints[j].hidden = false;
      prints[j].addEventListener("click", function () { window.print(); });
    }
    var backs = document.querySelectorAll("[data-back]");
    for (var k = 0; k < backs.length; k++) setupBack(backs[k]);
    var shares = document.querySelectorAll(".share");
    for (var m = 0; m < shares.length; m++) setupShare(shares[m]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
