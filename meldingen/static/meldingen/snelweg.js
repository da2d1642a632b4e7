// "Snel weg" (quick exit) on every residents' page: leave for a neutral page at once, and REPLACE this
// page in the tab's history, so Back does not bring it back on a shared screen. Without JavaScript the
// link is an ordinary link to the same neutral page. Escape twice within a second does the same from
// anywhere on the page (one Escape alone still closes what it closes).
(function () {
  "use strict";
  var link = document.getElementById("snelweg");
  if (!link) { return; }

  function weg(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.classList.add("snelweg-actief");  // hide the page while the next one loads
    window.location.replace(link.href);
  }

  link.addEventListener("click", function (event) {
    // A middle click or Ctrl+click asks for a new tab: that is not an exit, leave it to the browser.
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    weg(event);
  });

  var vorige = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var nu = Date.now();
    if (nu - vorige < 1000) { weg(event); }
    vorige = nu;
  });
})();
