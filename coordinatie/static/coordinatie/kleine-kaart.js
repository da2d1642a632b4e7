// The small map on the melding and hotspot pages: a FeatureCollection embedded in the page
// (json_script), drawn with texts as textContent only.
(function () {
  "use strict";
  var STATUS_KLEUR = {nieuw: "#c00000", in_behandeling: "#b35900", afgehandeld: "#00703c", afgewezen: "#595959"};
  var TREND_KLEUR = {stijgend: "#c00000", stabiel: "#1a1a1a", dalend: "#00703c"};
  function puntStijl(f) {
    var hoofd = f.properties.soort === "melding";
    return {radius: hoofd ? 10 : 6, weight: hoofd ? 3 : 1, color: "#000", opacity: 1, fillOpacity: 0.85,
            fillColor: STATUS_KLEUR[f.properties.status] || "#004699"};
  }
  window.kleineKaartInit = function (map) {
    var data = JSON.parse(document.getElementById("kleine-kaart-data").textContent);
    var laag = L.geoJSON(data, {
      // Leaflet applies `style` to circle markers too, so points get their own.
      style: function (f) {
        if (f.geometry.type === "Point") { return puntStijl(f); }
        return {color: TREND_KLEUR[f.properties.trend] || "#1a1a1a", weight: 3, fillColor: "#f07c2a", fillOpacity: 0.3};
      },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, puntStijl(f)); },
      onEachFeature: function (f, layer) {
        if (!f.properties.referentie) { return; }
        var a = document.createElement(f.properties.url ? "a" : "strong");
        a.textContent = f.properties.referentie;
        if (f.properties.url && String(f.properties.url).indexOf("/coordinatie/") === 0) { a.href = f.properties.url; }
        layer.bindPopup(a);
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(laag.getBounds(), {maxZoom: 17, padding: [20, 20]}); }
  };
})();
