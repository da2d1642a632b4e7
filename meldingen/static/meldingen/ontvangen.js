// The thank-you page's "copy the meldcode" button (issue 17). Texts come from the template.
(function () {
  "use strict";
  var knop = document.getElementById("kopieer");
  var code = document.getElementById("meldcode");
  var status = document.getElementById("kopieer-status");
  if (!knop || !code || !navigator.clipboard) { if (knop) { knop.hidden = true; } return; }
  knop.addEventListener("click", function () {
    navigator.clipboard.writeText(code.textContent.trim()).then(
      function () { status.textContent = knop.dataset.gekopieerd; },
      function () { status.textContent = knop.dataset.mislukt; }
    );
  });
})();
