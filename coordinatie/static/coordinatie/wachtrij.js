// Keyboard shortcuts for the queue. Without JavaScript every step is an ordinary form; these only
// move focus and open the same forms. Not active while typing in a field.
(function () {
  "use strict";
  var lijst = document.querySelector(".wachtrij__lijst");
  if (!lijst) { return; }
  function items() { return Array.prototype.slice.call(lijst.querySelectorAll(".kaartje")); }
  function huidig() {
    var actief = document.activeElement;
    return actief && actief.closest ? actief.closest(".kaartje") : null;
  }
  function kies(item) {
    if (!item) { return; }
    items().forEach(function (i) { i.classList.toggle("kaartje--actief", i === item); });
    item.focus();
    item.scrollIntoView({block: "nearest"});
  }
  function open(item, sleutel) {
    var details = item.querySelector("details[data-sneltoets='" + sleutel + "']");
    if (!details) { return; }
    details.open = true;
    var veld = details.querySelector("input:checked, select, input:not([type=hidden]), textarea");
    if (veld) { veld.focus(); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var doel = e.target;
    if (doel && (doel.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(doel.tagName))) {
      if (e.key === "Escape") { var item = doel.closest(".kaartje"); if (item) { kies(item); } }
      return;
    }
    var alle = items();
    var item = huidig();
    var index = item ? alle.indexOf(item) : -1;
    switch (e.key) {
      case "j": kies(alle[Math.min(alle.length - 1, index + 1)]); break;
      case "k": kies(alle[Math.max(0, index - 1)]); break;
      case "a": if (item) { item.querySelector("button[data-sneltoets='a']").click(); } break;
      case "r": case "d": case "h": case "n": if (item) { open(item, e.key); } else { return; } break;
      case "x": if (item) { var vink = item.querySelector("input[type=checkbox]"); vink.checked = !vink.checked; } break;
      case "o": if (item) { item.querySelector("a[data-sneltoets='o']").click(); } break;
      default: return;
    }
    e.preventDefault();
  });
  // After a step the page reloads; keep the place in the queue so the next melding has the focus.
  var SLEUTEL = "wachtrij-plek";
  lijst.addEventListener("submit", function (e) {
    var item = e.target.closest(".kaartje");
    if (item) {
      try { sessionStorage.setItem(SLEUTEL, String(items().indexOf(item))); } catch (err) { /* private mode */ }
    }
  });
  try {
    var plek = sessionStorage.getItem(SLEUTEL);
    sessionStorage.removeItem(SLEUTEL);
    if (plek !== null && items().length) { kies(items()[Math.min(parseInt(plek, 10) || 0, items().length - 1)]); }
  } catch (err) { /* private mode */ }

  lijst.addEventListener("click", function (e) {
    var knop = e.target.closest(".toon-op-kaart");
    if (!knop) { return; }
    var item = knop.closest(".kaartje");
    kies(item);
    document.dispatchEvent(new CustomEvent("wachtrij:toon", {detail: {lat: parseFloat(item.dataset.lat), lon: parseFloat(item.dataset.lon)}}));
  });
})();

// The wijk and buurt lists narrow to the chosen stadsdeel (and the buurt list to the chosen wijk) as
// soon as the choice changes; the server does the same after a submit, so this works without JS too.
(function () {
  "use strict";
  var stadsdeel = document.getElementById("f-stadsdeel");
  var wijk = document.getElementById("f-wijk");
  var buurt = document.getElementById("f-buurt");
  if (!stadsdeel || !wijk || !buurt) { return; }
  function smal(select, past) {
    Array.prototype.forEach.call(select.options, function (o) {
      if (!o.value || o.value.indexOf(",") !== -1) { return; }
      var zichtbaar = past(o);
      o.hidden = !zichtbaar;
      o.disabled = !zichtbaar;
      if (!zichtbaar && o.selected) { select.value = ""; }
    });
  }
  function bijwerken() {
    var sd = stadsdeel.value, wk = wijk.value;
    smal(wijk, function (o) { return !sd || o.dataset.stadsdeel === sd; });
    wk = wijk.value;
    smal(buurt, function (o) { return (!sd || o.dataset.stadsdeel === sd) && (!wk || o.dataset.wijk === wk); });
  }
  stadsdeel.addEventListener("change", bijwerken);
  wijk.addEventListener("change", bijwerken);
})();
