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
