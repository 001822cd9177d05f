/* Progressive enhancement only: the theme toggle and copy buttons. Pages work without it.
   Loaded with `defer`; the theme itself is applied earlier by the inline script in <head>.
   The controls exist only where they work: this script adds them, so the HTML of every page
   carries no buttons that would do nothing without it (without JavaScript the page follows
   the system theme, and the BibTeX is there to select). */
(function () {
  "use strict";
  var root = document.documentElement;

  function currentTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function button(label, attribute) {
    var element = document.createElement("button");
    element.type = "button";
    element.setAttribute(attribute[0], attribute[1]);
    element.textContent = label;
    return element;
  }

  // The theme toggle, last in the site header; its moon icon is drawn by main.css.
  var header = document.querySelector(".site-header");
  var toggle = document.querySelector("[data-theme-toggle]");
  if (!toggle && header) {
    toggle = button("", ["data-theme-toggle", ""]);
    toggle.className = "theme-toggle";
    toggle.innerHTML = '<span class="visually-hidden">Dark theme</span>';
    header.appendChild(toggle);
  }
  if (toggle) {
    var show = function () {
      var dark = currentTheme() === "dark";
      toggle.setAttribute("aria-pressed", dark ? "true" : "false");
    };
    toggle.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("theme", next); } catch (e) { /* private mode: not remembered */ }
      show();
    });
    show();
    toggle.hidden = false;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  // <button data-copy="#id"> copies that element's text, data-copy="" the page's own address
  // (its canonical URL when it has one); the outcome goes to the [role=status] next to it.
  function pageAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    if (canonical) return canonical.href;
    var url = new URL(window.location.href);
    url.hash = "";
    url.search = "";
    url.pathname = url.pathname.replace(/index\.html$/, "");
    return url.href;
  }

  // Copy buttons under the paper page's BibTeX: the entry, and the page's address.
  var bibtex = document.getElementById("bibtex");
  if (bibtex && !document.querySelector("[data-copy]")) {
    var row = document.createElement("p");
    row.className = "copy-row";
    row.appendChild(button("Copy BibTeX", ["data-copy", "#bibtex"]));
    row.appendChild(button("Copy link", ["data-copy", ""]));
    var status = document.createElement("span");
    status.id = "copy-status";
    status.setAttribute("role", "status");
    row.appendChild(status);
    bibtex.parentNode.insertBefore(row, bibtex.nextSibling);
  }

  var buttons = document.querySelectorAll("[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var status = button.parentNode.querySelector("[role=status]");
    button.addEventListener("click", function () {
      var source = button.getAttribute("data-copy");
      var target = source ? document.querySelector(source) : null;
      var text = target ? target.textContent : pageAddress();
      copyText(text).then(function () {
        if (status) status.textContent = button.textContent.replace("Copy ", "") + " copied";
      }, function () {
        if (status) status.textContent = "Copy failed: select the text instead";
      });
    });
    button.hidden = false;
  });
})();
