/* geomap map runtime: draws a map from the spec that geomap.render writes.
 * Plain ES5 on top of Leaflet; no network, no eval, no innerHTML of raw data:
 * every string in the spec that becomes HTML was escaped by geomap in Python.
 * MIT licence, part of geomap. */
(function () {
  "use strict";
  if (window.geomap && window.geomap.draw) { return; }
  var L = window.L;

  /* ---- geodesic distance on the WGS84 ellipsoid (Vincenty inverse) ---- */
  var A = 6378137.0, F = 1 / 298.257223563, B = A * (1 - F);
  function geodesic(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var Lon = (lon2 - lon1) * rad;
    var U1 = Math.atan((1 - F) * Math.tan(lat1 * rad));
    var U2 = Math.atan((1 - F) * Math.tan(lat2 * rad));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = Lon, lambdaP, iter = 100, sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
    do {
      var sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
      sinSigma = Math.sqrt((cosU2 * sinLambda) * (cosU2 * sinLambda) +
        (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) * (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda));
      if (sinSigma === 0) { return 0; }
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      var sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cosSqAlpha !== 0 ? cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha : 0;
      var C = F / 16 * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
      lambdaP = lambda;
      lambda = Lon + (1 - C) * F * sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    } while (Math.abs(lambda - lambdaP) > 1e-12 && --iter > 0);
    if (iter === 0) {  /* nearly antipodal: fall back to the mean-radius sphere */
      return L.CRS.Earth.distance(L.latLng(lat1, lon1), L.latLng(lat2, lon2));
    }
    var uSq = cosSqAlpha * (A * A - B * B) / (B * B);
    var AA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    var BB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    var deltaSigma = BB * sinSigma * (cos2SigmaM + BB / 4 * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
      BB / 6 * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    return B * AA * (sigma - deltaSigma);
  }

  function roundNum(x) {
    var p = Math.pow(10, Math.floor(Math.log(x) / Math.LN10));
    var d = x / p;
    d = d >= 10 ? 10 : d >= 5 ? 5 : d >= 3 ? 3 : d >= 2 ? 2 : 1;
    return parseFloat((p * d).toPrecision(3));
  }
  function fmt(x) { return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2); }

  /* ---- scale bar in nautical miles and kilometres ---- */
  var Scale = L.Control.Scale.extend({
    options: { position: "bottomleft", maxWidth: 120, metric: true, imperial: false },
    _addScales: function (options, className, container) {
      this._nScale = L.DomUtil.create("div", className + " gm-scale-nm", container);
      this._mScale = L.DomUtil.create("div", className + " gm-scale-km", container);
    },
    _updateScales: function (maxMeters) {
      this._bar(this._nScale, maxMeters / 1852, " nm");
      this._bar(this._mScale, maxMeters / 1000, " km");
    },
    _bar: function (el, max, unit) {
      var n = roundNum(max);
      el.style.width = Math.round(this.options.maxWidth * n / max) + "px";
      el.textContent = String(n) + unit;
    }
  });

  /* ---- measure tool: click points, read the geodesic length in nm ---- */
  var Measure = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var box = L.DomUtil.create("div", "leaflet-bar gm-measure");
      var a = L.DomUtil.create("a", "gm-measure-btn", box);
      a.href = "#"; a.setAttribute("role", "button");
      a.title = "Measure a distance in nautical miles: click points on the map, click here again to stop";
      a.textContent = "nm";
      this._out = L.DomUtil.create("div", "gm-measure-out", box);
      this._out.style.display = "none";
      this._map = map; this._pts = []; this._on = false;
      this._line = L.polyline([], { color: "#c0392b", weight: 2, dashArray: "6 4", interactive: false });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); this.toggle(); }, this);
      return box;
    },
    toggle: function () {
      var map = this._map;
      this._on = !this._on;
      L.DomUtil[this._on ? "addClass" : "removeClass"](map.getContainer(), "gm-measuring");
      if (this._on) {
        this._pts = []; this._line.setLatLngs([]).addTo(map);
        map.doubleClickZoom.disable(); map.on("click", this._add, this);
        this._out.style.display = ""; this._show();
      } else {
        map.doubleClickZoom.enable(); map.off("click", this._add, this);
        if (!this._pts.length) { map.removeLayer(this._line); this._out.style.display = "none"; }
      }
    },
    _add: function (e) { this._pts.push(e.latlng); this._line.addLatLng(e.latlng); this._show(); },
    total: function () {
      var m = 0, p = this._pts;
      for (var i = 1; i < p.length; i++) { m += geodesic(p[i - 1].lat, p[i - 1].lng, p[i].lat, p[i].lng); }
      return m;
    },
    _show: function () {
      var m = this.total();
      this._out.textContent = this._pts.length < 2 ? "click points on the map" :
        fmt(m / 1852) + " nm (" + fmt(m / 1000) + " km)";
    }
  });

  /* ---- legend: one row per layer that is on the map ---- */
  var Legend = L.Control.extend({
    options: { position: "bottomright" },
    initialize: function (entries) { this._entries = entries; },
    onAdd: function (map) {
      this._box = L.DomUtil.create("div", "gm-legend leaflet-control-layers");
      map.on("overlayadd overlayremove layeradd layerremove", this.update, this);
      this.update();
      return this._box;
    },
    update: function () {
      var box = this._box, map = this._map;
      if (!box || !map) { return; }
      while (box.firstChild) { box.removeChild(box.firstChild); }
      var shown = 0;
      for (var i = 0; i < this._entries.length; i++) {
        var e = this._entries[i];
        if (!map.hasLayer(e.group)) { continue; }
        var row = L.DomUtil.create("div", "gm-legend-row", box);
        var sw = L.DomUtil.create("span", "gm-swatch gm-swatch-" + e.kind, row);
        var s = e.style;
        sw.style.borderColor = s.color || "#333";
        sw.style.background = e.kind === "line" ? "transparent" : (s.fillColor || s.color || "#333");
        sw.style.opacity = e.kind === "polygon" ? String(Math.max(0.35, s.fillOpacity || 0.3) + 0.3) : "1";
        if (e.kind === "line" && s.dashArray) { sw.style.borderTopStyle = "dashed"; }
        var label = L.DomUtil.create("span", "gm-legend-label", row);
        label.innerHTML = e.legend;  /* escaped in Python */
        shown++;
      }
      box.style.display = shown ? "" : "none";
    }
  });

  function ring(a, q) {
    var out = new Array(a.length / 2), x = 0, y = 0;
    for (var i = 0, j = 0; i < a.length; i += 2, j++) { x += a[i]; y += a[i + 1]; out[j] = [y / q, x / q]; }
    return out;
  }

  function buildLayer(map, spec, lyr, reg) {
    /* features are [kind, geometry, tooltip, popup]; kind 0 point, 1 lines, 2 polygons */
    var group = L.featureGroup(), q = lyr.q, pq = lyr.pq, i, f, obj;
    var opts = L.extend({ pane: lyr.pane }, lyr.style);
    function lines(ls) { return ls.map(function (l) { return ring(l, q); }); }
    for (i = 0; i < lyr.f.length; i++) {
      f = lyr.f[i];
      if (f[0] === 0) {
        obj = L.circleMarker([f[1][1] / pq, f[1][0] / pq], opts);
        reg.markers.push(obj);
      } else if (f[0] === 1) {
        obj = L.polyline(lines(f[1]), opts);
      } else {
        obj = L.polygon(f[1].map(lines), opts);
      }
      if (f[2]) { obj.bindTooltip(f[2], { sticky: f[0] !== 0 }); }  /* escaped in Python */
      if (f[3]) { obj.bindPopup(f[3], { maxWidth: 320 }); }          /* escaped in Python */
      obj.options.gmLayer = lyr.name;
      group.addLayer(obj);
    }
    return group;
  }

  function panes(map) {
    var z = { gmBase: 250, gmZones: 410, gmLines: 420, gmUser: 440, gmPlaces: 460 };
    for (var k in z) {
      if (Object.prototype.hasOwnProperty.call(z, k)) { map.createPane(k).style.zIndex = String(z[k]); }
    }
  }

  function draw(id, spec) {
    var el = typeof id === "string" ? document.getElementById(id) : id;
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: true, preferCanvas: false });
    var reg = { map: map, layers: {}, markers: [], spec: spec };
    panes(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>');
    el.style.background = spec.sea || "#ffffff";
    var pending = 0;
    function ready() {
      if (pending !== 0) { return; }
      el.setAttribute("data-geomap-ready", "1");
      /* inside an embed iframe, tell the report page the map has drawn (only the element id) */
      if (window.parent && window.parent !== window) { window.parent.postMessage({ geomapReady: el.id }, "*"); }
    }
    var bases = {}, overlays = {}, legend = [];
    if (spec.tiles) {
      var t = L.tileLayer(spec.tiles.url, { maxZoom: spec.tiles.maxZoom, attribution: spec.tiles.attribution });
      bases[spec.tiles.name] = t;
      t.addTo(map);
      pending++;
      t.once("load", function () { pending--; ready(); });
    }
    for (var i = 0; i < spec.layers.length; i++) {
      var lyr = spec.layers[i];
      var g = buildLayer(map, spec, lyr, reg);
      reg.layers[lyr.name] = g;
      if (lyr.show) { g.addTo(map); }
      if (lyr.control) { overlays[lyr.name] = g; }  /* names are escaped HTML */
      if (lyr.legend) { legend.push({ group: g, legend: lyr.legend, kind: lyr.kind, style: lyr.style }); }
    }
    for (i = 0; i < spec.attribution.length; i++) { map.attributionControl.addAttribution(spec.attribution[i]); }
    L.control.layers(bases, overlays, { collapsed: false, position: "topright" }).addTo(map);
    reg.scale = new Scale().addTo(map);
    reg.measure = new Measure().addTo(map);
    reg.legend = new Legend(legend).addTo(map);
    if (spec.title || spec.notice) {
      var head = L.DomUtil.create("div", "gm-head", el);
      L.DomEvent.disableClickPropagation(head);
      if (spec.title) { L.DomUtil.create("div", "gm-title", head).innerHTML = spec.title; }   /* escaped */
      if (spec.notice) { L.DomUtil.create("div", "gm-notice", head).innerHTML = spec.notice; } /* escaped */
    }
    var b = spec.bounds;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { animate: false });
    window.geomap.maps[el.id] = reg;
    ready();
    return map;
  }

  /* the DOM elements of an HTML string, for folium elements a caller added to a map
   * (folium's popups build their content with jQuery's $(html)[0]; no jQuery is loaded) */
  function parseHTML(html) {
    var t = document.createElement("template");
    t.innerHTML = String(html).trim();
    return t.content.children;
  }

  window.geomap = { draw: draw, geodesic: geodesic, maps: {}, parseHTML: parseHTML };
}());
