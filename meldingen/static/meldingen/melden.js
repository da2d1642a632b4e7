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

    // A pin, and the address of its point read out (the status line is aria-live).
    function plaatsEnNoem(latlng) {
      plaats(latlng, "");
      fetch("adres/omgekeerd/?lat=" + latlng.lat + "&lon=" + latlng.lng, { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : { naam: "" }; })
        .then(function (data) {
          if (data.naam) { adres.value = data.naam; status.textContent = status.dataset.gekozen + " " + data.naam; }
        })
        .catch(function () { /* the point itself is enough */ });
    }

    // Outside the city the server refuses the point: say so at once, with its words, and set no pin.
    var stad = (document.getElementById("kaartvak").dataset.stad || "").split(",").map(parseFloat);
    function binnenStad(latlng) {
      return stad.length !== 4 || (latlng.lat >= stad[0] && latlng.lng >= stad[1] && latlng.lat <= stad[2] && latlng.lng <= stad[3]);
    }
    map.on("click", function (e) {
      if (!binnenStad(e.latlng)) { status.textContent = status.dataset.buiten; return; }
      plaatsEnNoem(e.latlng);
    });

    // Keyboard (issue 17): Leaflet pans with the arrow keys and zooms with + and - once the map has
    // focus; Enter puts the pin at the centre, where the crosshair is.
    var vak = map.getContainer();
    vak.setAttribute("aria-describedby", "kaart-uitleg");
    vak.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        if (binnenStad(map.getCenter())) { plaatsEnNoem(map.getCenter()); } else { status.textContent = status.dataset.buiten; }
      }
    });

    // "Gebruik mijn locatie": the browser's own geolocation; the position goes to nobody but this site.
    var knop = document.getElementById("mijn-locatie");
    if (knop && navigator.geolocation) {
      knop.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
            if (!binnenStad(latlng)) { status.textContent = status.dataset.buiten; return; }
            map.setView(latlng, 17);
            plaatsEnNoem(latlng);
          },
          function () { status.textContent = knop.dataset.mislukt; },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    } else if (knop) {
      knop.hidden = true;
    }

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

// Address suggestions while typing (issue 17): PDOK `suggest` through our own server (the browser talks
// to no other host), shown in a datalist. Choosing one only fills the field; the server looks it up
// when the form is sent, exactly as for a typed address, so nothing depends on this script.
(function () {
  "use strict";
  var adres = document.getElementById("id_adres");
  if (!adres || !window.fetch) { return; }
  var lijst = document.createElement("datalist");
  lijst.id = "adres-suggesties";
  adres.insertAdjacentElement("afterend", lijst);
  adres.setAttribute("list", lijst.id);
  var wacht = null;
  var vorige = "";
  adres.addEventListener("input", function () {
    var q = adres.value.trim();
    if (q.length < 3 || q === vorige) { return; }
    clearTimeout(wacht);
    wacht = setTimeout(function () {
      vorige = q;
      fetch("adres/aanvullen/?q=" + encodeURIComponent(q), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : { suggesties: [] }; })
        .then(function (data) {
          lijst.textContent = "";
          data.suggesties.forEach(function (naam) {
            var optie = document.createElement("option");
            optie.value = naam;
            lijst.appendChild(optie);
          });
        })
        .catch(function () { /* no suggestions; typing still works */ });
    }, 250);
  });
})();

// The server's checks, done in the browser first (issue 17), with the server's words from data
// attributes: a photo that is too large, of another kind or one too many, and a date in the future or
// more than a year back, are refused at once, so nothing is lost to a round trip. The server still
// checks everything; without this script its answer says the same.
(function () {
  "use strict";
  function melden(veld, tekst) {
    var id = veld.id + "_controle";
    var p = document.getElementById(id);
    if (!tekst) {
      if (p) { p.remove(); }
      veld.removeAttribute("aria-invalid");
      veld.setAttribute("aria-describedby", (veld.getAttribute("aria-describedby") || "").replace(id, "").trim());
      return;
    }
    if (!p) {
      p = document.createElement("p");
      p.id = id;
      p.className = "foutmelding";
      p.setAttribute("role", "alert");
      veld.insertAdjacentElement("afterend", p);
      veld.setAttribute("aria-describedby", ((veld.getAttribute("aria-describedby") || "") + " " + id).trim());
    }
    p.textContent = tekst;
    veld.setAttribute("aria-invalid", "true");
  }
  var fotos = document.getElementById("id_fotos");
  if (fotos) {
    var soorten = ["image/jpeg", "image/png", "image/webp"];
    fotos.addEventListener("change", function () {
      var d = fotos.dataset;
      var lijst = Array.prototype.slice.call(fotos.files || []);
      var fout = "";
      if (lijst.length > parseInt(d.maxAantal, 10)) { fout = d.teVeel; }
      lijst.forEach(function (f) {
        if (!fout && f.type && soorten.indexOf(f.type) === -1) { fout = d.soort + " (" + f.name + ")"; }
        if (!fout && f.size > parseInt(d.maxBytes, 10)) { fout = d.teGroot + " (" + f.name + ")"; }
      });
      if (fout) { fotos.value = ""; }
      melden(fotos, fout);
    });
  }
  var datum = document.getElementById("id_datum");
  if (datum) {
    datum.addEventListener("change", function () {
      var v = datum.value;
      melden(datum, !v ? "" : (datum.max && v > datum.max) ? datum.dataset.toekomst :
        (datum.min && v < datum.min) ? datum.dataset.teOud : "");
    });
  }
})();
