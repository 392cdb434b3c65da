// The header's menu is a <details> so that it opens without JavaScript on a phone. On a wide
// screen there is room for it: it starts open there, and its button is hidden by the CSS.
(function () {
  "use strict";
  var menu = document.getElementById("menu");
  if (!menu || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 48rem)");
  function fit() { menu.open = wide.matches; document.documentElement.classList.toggle("menu-inline", wide.matches); }
  fit();
  if (wide.addEventListener) { wide.addEventListener("change", fit); }
})();
