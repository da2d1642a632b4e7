// Texts come translated from the template (data attributes), so this file holds no language.
// Progressive enhancement of the public form: a pin on the map sets the place. Without JavaScript
// the address field and the "Zoek dit adres" button do the same on the server.
(function () {
  "use strict";
  window.meldkaartInit = function (map) {
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var adres = document.getElementById("id_adres");
    var status = document.getElementById("kaartstatus");
    var marker = null;

    function plaats(latlng, naam) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      document.querySelectorAll("input[name=adres_keuze]").forEach(function (r) { r.checked = false; });
      status.textContent = naam ? status.dataset.gekozen + " " + naam : status.dataset.punt;
    }

    if (lat.value && lon.value) {
      var start = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
      plaats(start, adres.value);
      map.setView(start, 17);
    } else {
      // The whole city, whatever the map's size (a phone shows it at a lower zoom than a desktop).
      var b = (document.getElementById("kaartvak").dataset.stad || "").split(",").map(parseFloat);
      if (b.length === 4) { map.fitBounds([[b[0], b[1]], [b[2], b[3]]]); }
    }

    map.on("click", function (e) {
      plaats(e.latlng, "");
      fetch("adres/omgekeerd/?lat=" + e.latlng.lat + "&lon=" + e.latlng.lng, { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : { naam: "" }; })
        .then(function (data) {
          if (data.naam) { adres.value = data.naam; status.textContent = status.dataset.gekozen + " " + data.naam; }
        })
        .catch(function () { /* the point itself is enough */ });
    });

    // Typing an address after clicking means the typed address counts, not the old pin.
    adres.addEventListener("input", function () {
      lat.value = ""; lon.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      status.textContent = "";
    });
  };
})();

// The description's character counter (issue 17): the server refuses a text over the limit with a
// message, and this says so while typing instead of the browser cutting pasted text off. The visible
// count is not announced on every key; a screen reader hears it when 100 or fewer are left and when
// the text is too long.
(function () {
  "use strict";
  var tekst = document.getElementById("id_omschrijving");
  if (!tekst || !tekst.dataset.max) { return; }
  var max = parseInt(tekst.dataset.max, 10);
  var teller = document.createElement("p");
  teller.className = "hint teller";
  teller.id = "id_omschrijving_teller";
  var melding = document.createElement("p");
  melding.className = "visueel-verborgen";
  melding.setAttribute("aria-live", "polite");
  tekst.insertAdjacentElement("afterend", teller);
  teller.insertAdjacentElement("afterend", melding);
  var beschreven = (tekst.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  beschreven.push(teller.id);
  tekst.setAttribute("aria-describedby", beschreven.join(" "));
  var vorige = "";
  function bij() {
    var over = max - tekst.value.length;
    var zin = over >= 0 ? tekst.dataset.over.replace("{n}", over) : tekst.dataset.teVeel.replace("{n}", -over);
    teller.textContent = zin;
    teller.classList.toggle("foutmelding", over < 0);
    var stand = over < 0 ? "te-veel" : (over <= 100 ? "bijna" : "");
    if (stand && stand !== vorige) { melding.textContent = zin; }
    vorige = stand;
  }
  tekst.addEventListener("input", bij);
  bij();
})();

// After a failed submit (issue 17): focus goes to the error summary, so a screen reader reads it first
// and a keyboard user starts there; each link in it puts focus on its field, not just the view.
(function () {
  "use strict";
  var samenvatting = document.getElementById("foutsamenvatting");
  if (!samenvatting) { return; }
  samenvatting.focus();
  samenvatting.addEventListener("click", function (e) {
    var link = e.target.closest("a[href^='#']");
    if (!link) { return; }
    var veld = document.getElementById(link.getAttribute("href").slice(1));
    if (!veld) { return; }
    e.preventDefault();
    veld.focus();
    veld.scrollIntoView({ block: "center" });
  });
})();
