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
    document.dispatchEvent(new CustomEvent("wachtrij:gekozen", {detail: {id: item.dataset.id, lat: parseFloat(item.dataset.lat), lon: parseFloat(item.dataset.lon)}}));
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
      case "r": case "d": case "h": case "n": case "c": if (item) { open(item, e.key); } else { return; } break;
      case "x": if (item) { var vink = item.querySelector("input[type=checkbox]"); vink.checked = !vink.checked; } break;
      case "o": if (item) { item.querySelector("a[data-sneltoets='o']").click(); } break;
      default: return;
    }
    e.preventDefault();
  });
  // A step on a card is sent without leaving the page (issue 17): the server answers JSON, the card
  // leaves the queue when the melding did, the message is read out, and the next card has the focus.
  // Without fetch, or when the request fails, the form is sent the ordinary way and the page reloads;
  // then the place in the queue is kept so the next melding has the focus.
  var SLEUTEL = "wachtrij-plek";
  var bericht = document.getElementById("wachtrij-bericht");
  var aantal = document.getElementById("wachtrij-aantal");
  function melden(teksten, gelukt) {
    if (!bericht) { return; }
    bericht.textContent = "";
    (teksten || []).forEach(function (t) {
      var p = document.createElement("p");
      p.className = "bericht bericht--" + (gelukt ? "success" : "error");
      p.textContent = t;
      bericht.appendChild(p);
    });
  }
  function gewoonVersturen(form, knop) {
    // The submit handler below sees the flag, keeps the place in the queue and lets the post go.
    form.dataset.gewoon = "1";
    if (form.requestSubmit) { form.requestSubmit(knop || undefined); } else { form.submit(); }
  }
  // When the page's cards run low, the next ones are fetched from the same queue (its first page now
  // holds them: the handled ones have left) and appended, so a morning's triage never needs a reload.
  var bijladen = null;
  var weg = {};  // cards handled here: an answer fetched before their step must not bring them back
  var aantalWeg = 0;
  function aanvullen() {
    if (bijladen) { return bijladen; }
    var wegBijStart = aantalWeg;
    var url = new URL(window.location.href);
    url.searchParams.delete("pagina");
    url.hash = "";
    bijladen = fetch(url.href, {credentials: "same-origin", headers: {Accept: "text/html"}})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(doc.querySelectorAll(".wachtrij__lijst .kaartje"), function (k) {
          if (!weg[k.id] && !document.getElementById(k.id)) { lijst.appendChild(document.importNode(k, true)); }
        });
        var nieuwAantal = doc.getElementById("wachtrij-aantal");
        var n = nieuwAantal ? parseInt(nieuwAantal.textContent.replace(/\D/g, ""), 10) : NaN;
        if (aantal && !isNaN(n)) { aantal.textContent = "(" + Math.max(0, n - (aantalWeg - wegBijStart)) + ")"; }
      })
      .catch(function () { /* the cards on the page still work; a reload shows the rest */ })
      .then(function () { bijladen = null; });
    return bijladen;
  }
  function uitWachtrij(item) {
    var alle = items();
    var i = alle.indexOf(item);
    var volgende = alle[i + 1] || alle[i - 1] || null;
    weg[item.id] = true;
    aantalWeg += 1;
    item.remove();
    if (aantal) {
      var n = parseInt(aantal.textContent.replace(/\D/g, ""), 10);
      if (!isNaN(n) && n > 0) { aantal.textContent = "(" + (n - 1) + ")"; }
    }
    document.dispatchEvent(new CustomEvent("wachtrij:gewijzigd"));
    if (volgende) {
      kies(volgende);
      if (items().length <= 5) { aanvullen(); }
      return;
    }
    aanvullen().then(function () {
      var eerste = items()[0];
      if (eerste) { kies(eerste); } else if (bericht) { bericht.setAttribute("tabindex", "-1"); bericht.focus(); }
    });
  }
  lijst.addEventListener("submit", function (e) {
    var form = e.target;
    var item = form.closest(".kaartje");
    if (!item) { return; }
    if (form.dataset.gewoon || !window.fetch || !window.FormData) {
      try { sessionStorage.setItem(SLEUTEL, String(items().indexOf(item))); } catch (err) { /* private mode */ }
      return;
    }
    e.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }
    var knop = e.submitter || form.querySelector("button[type=submit]");
    var data = new FormData(form);
    if (knop && knop.name) { data.append(knop.name, knop.value); }
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {method: "POST", body: data, credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) {
        if (!/json/.test(r.headers.get("Content-Type") || "")) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (antwoord) {
        form.removeAttribute("aria-busy");
        melden(antwoord.berichten, antwoord.gelukt);
        if (!antwoord.in_wachtrij) { uitWachtrij(item); return; }
        if (antwoord.gelukt) {
          form.reset();
          var details = form.closest("details");
          if (details) { details.open = false; }
          kies(item);
        }
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
        gewoonVersturen(form, knop);
      });
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
