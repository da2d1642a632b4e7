// The coordinator's map. Data comes from the map API (kaart/, GeoJSON in WGS84) for the visible area
// and the filter in the page's URL; every text from the data goes into the DOM as textContent, never
// as HTML. Until the API answers, a layer simply stays empty.
(function () {
  "use strict";
  var STATUS_KLEUR = {nieuw: "#c00000", in_behandeling: "#b35900", afgehandeld: "#00703c", afgewezen: "#595959"};
  var TREND_STIJL = {
    stijgend: {color: "#c00000", weight: 4, dashArray: null},
    stabiel: {color: "#1a1a1a", weight: 2, dashArray: null},
    dalend: {color: "#00703c", weight: 3, dashArray: "6 5"}
  };
  var MAX_PAGINAS = 5;
  // Actions: a square with a sign, so the three kinds differ in shape of the sign as well as in colour.
  var ACTIE_KLASSEN = {
    te_laat: {kleur: "#c00000", teken: "!"},
    open: {kleur: "#004699", teken: "A"},
    afgerond: {kleur: "#00703c", teken: "\u2713"}
  };

  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  function el(tag, tekst, cls) {
    var e = document.createElement(tag);
    if (tekst !== undefined && tekst !== null) { e.textContent = String(tekst); }
    if (cls) { e.className = cls; }
    return e;
  }
  function scoreKleur(score) {
    // 0 → pale yellow, 1+ → deep red
    var s = Math.max(0, Math.min(1, Number(score) || 0));
    var stops = ["#ffe08a", "#ffb347", "#f07c2a", "#d7301f", "#990000"];
    return stops[Math.min(stops.length - 1, Math.floor(s * stops.length))];
  }
  // The page's own filter, minus what only the queue uses.
  // Without a status in the URL the map shows what the queue shows: the new meldingen (issue 17). The
  // filter's "Alle" sends an empty status, which is all of them.
  function filterQuery() {
    var params = new URLSearchParams(window.location.search);
    params.delete("pagina");
    ["sorteer", "nieuw"].forEach(function (k) { params.delete(k); });
    if (!params.has("status")) { params.set("status", "nieuw"); }
    return params;
  }

  window.werkkaartInit = function (map) {
    var urls = json("werkkaart-urls");
    var statussen = json("werkkaart-statussen");
    var hotspotStatussen = json("werkkaart-hotspotstatussen");
    var t = document.getElementById("werkkaart-teksten").dataset;
    var status = document.getElementById("kaartstatus");
    // Hotspot polygons lie under the reports (their own pane below the overlay pane), so every
    // report stays visible and clickable inside a hotspot.
    map.createPane("hotspots");
    map.getPane("hotspots").style.zIndex = 350;
    // Their outlines are drawn again above the reports (issue 17): where a dense grid of report markers
    // covers a hotspot's whole area, its edge still opens it. The same pane rings the melding chosen in
    // the queue.
    map.createPane("hotspotranden");
    map.getPane("hotspotranden").style.zIndex = 450;
    var gekozen = null;
    var meldingenLaag = L.layerGroup().addTo(map);
    var hotspotLaag = L.layerGroup().addTo(map);
    var actiesLaag = L.layerGroup().addTo(map);
    var overlays = {};
    overlays[t.meldingen] = meldingenLaag;
    overlays[t.hotspots] = hotspotLaag;
    overlays[t.acties] = actiesLaag;
    L.control.layers(null, overlays, {collapsed: false}).addTo(map);
    legenda(map, t, statussen);

    // The view (zoom/lat/lon) lives in the URL's fragment, the filter in its query: a copied URL
    // opens the same map.
    var hash = /^#kaart=(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
    if (hash) { map.setView([parseFloat(hash[2]), parseFloat(hash[3])], parseInt(hash[1], 10)); }
    var form = document.getElementById("filterformulier");
    // A filtered area without a stored view: zoom to what the filter finds, once.
    var params0 = filterQuery();
    var naarGebied = !hash && ["stadsdeel", "wijk", "buurt"].some(function (k) { return params0.get(k); });

    var volgnummer = 0;
    function laden() {
      var mijn = ++volgnummer;
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      var c = map.getCenter();
      var fragment = "#kaart=" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      history.replaceState(null, "", window.location.pathname + window.location.search + fragment);
      if (form) { form.action = window.location.pathname + fragment; }
      document.querySelectorAll("input[name=volgende]").forEach(function (i) {
        i.value = i.value.split("#")[0] + fragment;
      });

      var params = filterQuery();
      params.set("bbox", bbox);
      params.set("zoom", String(map.getZoom()));
      meldingenLaden(urls.meldingen + "?" + params.toString(), mijn, 0, true);

      var hp = new URLSearchParams();
      ["stadsdeel", "wijk", "buurt"].forEach(function (k) {
        var v = params.getAll(k).join(",");
        if (v) { hp.set(k, v); }
      });
      hp.set("bbox", bbox);
      fetch(urls.hotspots + "?" + hp.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { if (mijn === volgnummer) { hotspotsTekenen(data); } })
        .catch(function () { if (mijn === volgnummer) { hotspotLaag.clearLayers(); } });
      fetch(urls.acties + "?" + hp.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { if (mijn === volgnummer) { actiesTekenen(data); } })
        .catch(function () { if (mijn === volgnummer) { actiesLaag.clearLayers(); } });
    }

    function meldingenLaden(url, mijn, pagina, eerste) {
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          if (mijn !== volgnummer) { return; }
          if (eerste) { meldingenLaag.clearLayers(); }
          meldingenTekenen(data);
          if (naarGebied && eerste && (data.features || []).length) {
            naarGebied = false;
            var grenzen = L.latLngBounds((data.features || []).filter(function (f) {
              return f.geometry && f.geometry.type === "Point";
            }).map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0]]; }));
            if (grenzen.isValid()) { map.fitBounds(grenzen, {maxZoom: 15, padding: [40, 40]}); }
          }
          var aantal = typeof data.aantal === "number" ? data.aantal : null;
          if (aantal === null && data.aggregatie === "grid") {
            aantal = (data.features || []).reduce(function (s, f) { return s + (Number(f.properties.aantal) || 0); }, 0);
          }
          status.textContent = (aantal === null ? "" : aantal + " " + t.inBeeld) +
            (data.aggregatie === "grid" ? " – " + t.zoomIn : "");
          if (data.volgende && pagina + 1 < MAX_PAGINAS) {
            var volgende = new URL(String(data.volgende), window.location.href);
            if (volgende.origin === window.location.origin) { meldingenLaden(volgende.href, mijn, pagina + 1, false); }
          }
        })
        .catch(function () {
          if (mijn !== volgnummer) { return; }
          if (eerste) { meldingenLaag.clearLayers(); }
          status.textContent = "";
        });
    }

    function meldingenTekenen(data) {
      var grid = data.aggregatie === "grid";
      (data.features || []).forEach(function (f) {
        if (!f.geometry || f.geometry.type !== "Point") { return; }
        var ll = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
        var p = f.properties || {};
        if (grid) {
          var n = Number(p.aantal) || 0;
          var perStatus = p.status || {};
          var hoofd = Object.keys(perStatus).sort(function (a, b) { return perStatus[b] - perStatus[a]; })[0];
          var icoon = el("span", n, "cluster");
          icoon.style.background = STATUS_KLEUR[hoofd] || "#004699";
          var grootte = Math.round(26 + Math.min(30, Math.sqrt(n) * 3));
          var m = L.marker(ll, {icon: L.divIcon({html: icoon, className: "cluster-icoon", iconSize: [grootte, grootte]}),
                                keyboard: false});
          m.bindPopup(function () {
            var div = el("div");
            div.appendChild(el("strong", n + " " + t.aantal));
            var ul = el("ul");
            Object.keys(perStatus).forEach(function (s) { ul.appendChild(el("li", (statussen[s] || s) + ": " + perStatus[s])); });
            div.appendChild(ul);
            return div;
          });
          m.addTo(meldingenLaag);
        } else {
          var cm = L.circleMarker(ll, {radius: 7, weight: 1, color: "#000", fillOpacity: 0.85,
                                        fillColor: STATUS_KLEUR[p.status] || "#004699"});
          cm.bindPopup(function () {
            var div = el("div");
            var id = parseInt(p.id, 10);
            var a = el("a", p.referentie);
            if (id > 0) { a.href = "/coordinatie/meldingen/" + id + "/"; }
            div.appendChild(a);
            if (id > 0) { div.appendChild(actieLink("meldingen=" + id)); }
            div.appendChild(el("p", (statussen[p.status] || p.status) + " · " + (p.locatie_type || "") + " · " + (p.kanaal || "")));
            if (p.observed_at) { div.appendChild(el("p", String(p.observed_at).slice(0, 10))); }
            return div;
          });
          cm.addTo(meldingenLaag);
        }
      });
    }

    // "Actie voorstellen" from a popup: the proposal form with the hotspot or the melding as target.
    function actieLink(query) {
      var p = el("p");
      var a = el("a", t.actieVoorstellen);
      a.href = t.actieUrl + "?" + query;
      p.appendChild(a);
      return p;
    }

    function hotspotsTekenen(data) {
      hotspotLaag.clearLayers();
      function popup(p) {
        return function () {
          var div = el("div");
          var id = parseInt(p.id, 10);
          var a = el("a", t.hotspot + " " + (id > 0 ? id : ""));
          if (id > 0) { a.href = "/coordinatie/hotspots/" + id + "/"; }
          div.appendChild(a);
          if (id > 0 && p.status !== "opgelost") { div.appendChild(actieLink("hotspot=" + id)); }
          div.appendChild(el("p", t.score + " " + Number(p.score || 0).toFixed(2) + " · " + (p.meldingen || 0) + " " + t.aantal));
          div.appendChild(el("p", t.status + ": " + (hotspotStatussen[p.status] || p.status || "") + " · " + t.trend + ": " + (t[p.trend] || p.trend || "")));
          return div;
        };
      }
      L.geoJSON(data, {
        pane: "hotspotranden",
        style: function (f) {
          var p = f.properties || {};
          var trend = TREND_STIJL[p.trend] || TREND_STIJL.stabiel;
          return {color: trend.color, weight: Math.max(trend.weight, 4), dashArray: trend.dashArray, fill: false};
        },
        onEachFeature: function (f, laag) { laag.bindPopup(popup(f.properties || {})); }
      }).addTo(hotspotLaag);
      L.geoJSON(data, {
        pane: "hotspots",
        style: function (f) {
          var p = f.properties || {};
          var trend = TREND_STIJL[p.trend] || TREND_STIJL.stabiel;
          return {color: trend.color, weight: trend.weight, dashArray: trend.dashArray,
                  fillColor: scoreKleur(p.score), fillOpacity: 0.35};
        },
        onEachFeature: function (f, laag) { laag.bindPopup(popup(f.properties || {})); }
      }).addTo(hotspotLaag);
    }

    function actiesTekenen(data) {
      actiesLaag.clearLayers();
      (data.features || []).forEach(function (f) {
        if (!f.geometry || f.geometry.type !== "Point") { return; }
        var p = f.properties || {};
        var klasse = ACTIE_KLASSEN[p.klasse] || ACTIE_KLASSEN.open;
        var icoon = el("span", klasse.teken, "actie-icoon__teken");
        icoon.style.background = klasse.kleur;
        var m = L.marker(L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]), {
          icon: L.divIcon({html: icoon, className: "actie-icoon actie-icoon--" + (p.klasse || "open"), iconSize: [22, 22]}),
          keyboard: false, zIndexOffset: 500
        });
        m.bindPopup(function () {
          var div = el("div");
          var id = parseInt(p.id, 10);
          var a = el("a", t.actie + " " + (id > 0 ? id : "") + ": " + (p.type || ""));
          if (id > 0) { a.href = "/coordinatie/acties/" + id + "/"; }
          div.appendChild(a);
          var regel = (p.status_label || p.status || "") + (p.partner ? " · " + p.partner : "");
          div.appendChild(el("p", regel));
          if (p.deadline) { div.appendChild(el("p", t.afrondenVoor + " " + String(p.deadline).slice(0, 10))); }
          if (p.klasse === "te_laat") { div.appendChild(el("p", t.teLaat, "te-laat")); }
          return div;
        });
        m.addTo(actiesLaag);
      });
    }

    var wacht = null;
    map.on("moveend", function () { clearTimeout(wacht); wacht = setTimeout(laden, 200); });
    laden();

    // The queue asks the map to show a melding.
    document.addEventListener("wachtrij:toon", function (e) {
      map.setView([e.detail.lat, e.detail.lon], Math.max(map.getZoom(), 17));
    });
    // The melding chosen in the queue is ringed on the map (it stays where the map is; "Op kaart" moves).
    document.addEventListener("wachtrij:gekozen", function (e) {
      if (gekozen) { map.removeLayer(gekozen); gekozen = null; }
      if (!isFinite(e.detail.lat) || !isFinite(e.detail.lon)) { return; }
      gekozen = L.circleMarker([e.detail.lat, e.detail.lon], {
        pane: "hotspotranden", radius: 14, color: "#1a1a1a", weight: 3, fill: false, interactive: false,
        className: "gekozen-melding"
      }).addTo(map);
    });
    // A triage step without a reload: the melding's colour (or its presence) changed.
    document.addEventListener("wachtrij:gewijzigd", function () { clearTimeout(wacht); wacht = setTimeout(laden, 300); });
    window.werkkaart = map;
  };

  function legenda(map, t, statussen) {
    var ctl = L.control({position: "bottomleft"});
    ctl.onAdd = function () {
      var div = el("div", null, "legenda");
      div.appendChild(el("strong", t.legenda));
      var ul = el("ul");
      Object.keys(STATUS_KLEUR).forEach(function (s) {
        var li = el("li");
        var stip = el("span", null, "stip");
        stip.style.background = STATUS_KLEUR[s];
        li.appendChild(stip);
        li.appendChild(document.createTextNode(statussen[s] || s));
        ul.appendChild(li);
      });
      ["stijgend", "stabiel", "dalend"].forEach(function (tr) {
        var li = el("li");
        var lijn = el("span", null, "lijn");
        lijn.style.borderTop = TREND_STIJL[tr].weight + "px " + (TREND_STIJL[tr].dashArray ? "dashed " : "solid ") + TREND_STIJL[tr].color;
        li.appendChild(lijn);
        li.appendChild(document.createTextNode(t[tr]));
        ul.appendChild(li);
      });
      ["te_laat", "open", "afgerond"].forEach(function (k) {
        var li = el("li");
        var teken = el("span", ACTIE_KLASSEN[k].teken, "actie-icoon__teken");
        teken.style.background = ACTIE_KLASSEN[k].kleur;
        li.appendChild(teken);
        li.appendChild(document.createTextNode({te_laat: t.actieTeLaat, open: t.actieOpen, afgerond: t.actieAfgerond}[k]));
        ul.appendChild(li);
      });
      div.appendChild(ul);
      return div;
    };
    ctl.addTo(map);
  }
})();
