/* geomap map runtime: draws a map from the spec that geomap.render writes.
 * Plain ES5 on top of Leaflet; no network, no eval, no innerHTML of raw data:
 * every string in the spec that becomes HTML was escaped by geomap in Python.
 * MIT licence, part of geomap. */
(function () {
  "use strict";
  if (window.geomap && window.geomap.draw) { return; }
  var L = window.L;
  var SVG = "http://www.w3.org/2000/svg";

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

  /* ---- small helpers: untrusted text goes into the page with textContent only ---- */
  function node(tag, cls, parent, text) {
    var e = L.DomUtil.create(tag, cls || "", parent);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function printing() { return !!(window.matchMedia && window.matchMedia("print").matches); }
  function rgb(hex) {
    var h = String(hex || "#333333").replace("#", "");
    if (h.length === 3) { h = h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2); }
    var n = parseInt(h, 16) || 0;
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  /* the colour a fill of `alpha` opacity shows over `under`, as the map paints it */
  function blend(fill, alpha, under) {
    var a = rgb(fill), b = rgb(under), out = [];
    for (var i = 0; i < 3; i++) { out.push(Math.round(a[i] * alpha + b[i] * (1 - alpha))); }
    return "rgb(" + out.join(",") + ")";
  }
  function opacity(v, dflt) { return typeof v === "number" ? v : dflt; }
  /* boxes {l, t, r, b} in the map container's pixels */
  function overlaps(a, b) { return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b; }
  function hitsCircle(box, c) {
    var x = Math.max(box.l, Math.min(c.x, box.r)), y = Math.max(box.t, Math.min(c.y, box.b));
    return (x - c.x) * (x - c.x) + (y - c.y) * (y - c.y) < c.r * c.r;
  }
  function furniture(el) {
    var out = [], box = el.getBoundingClientRect();
    var list = el.querySelectorAll(".leaflet-control, .gm-head");
    for (var i = 0; i < list.length; i++) {
      var r = list[i].getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        out.push({ l: r.left - box.left, t: r.top - box.top, r: r.right - box.left, b: r.bottom - box.top });
      }
    }
    return out;
  }

  /* ---- key: one compact, collapsible box that is both the legend and the layer switch ---- */
  var Key = L.Control.extend({
    options: { position: "topright" },
    initialize: function (entries, sea, collapsed) {
      this._entries = entries; this._sea = sea; this._start = collapsed;
    },
    onAdd: function (map) {
      var box = L.DomUtil.create("div", "leaflet-control-layers gm-legend"), self = this;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var btn = node("a", "gm-legend-toggle", box);
      btn.href = "#"; btn.setAttribute("role", "button");
      var body = node("div", "gm-legend-body leaflet-control-layers-overlays", box);
      body.id = map.getContainer().id + "-key";
      btn.setAttribute("aria-controls", body.id);
      L.DomEvent.on(btn, "click", function (e) { L.DomEvent.preventDefault(e); self.collapse(!self.collapsed); });
      for (var i = 0; i < this._entries.length; i++) { this._row(map, body, this._entries[i]); }
      this._box = box; this._btn = btn;
      this.collapse(this._start);
      return box;
    },
    _row: function (map, body, e) {
      var row = node("label", "gm-legend-row", body);
      if (e.control) {
        var cb = node("input", "gm-check", row);
        cb.type = "checkbox"; cb.checked = map.hasLayer(e.group);
        L.DomEvent.on(cb, "change", function () {
          if (cb.checked) { map.addLayer(e.group); } else { map.removeLayer(e.group); }
          map.fire("gmlayers");
        });
      }
      var sw = node("span", "gm-swatch gm-swatch-" + e.kind, row), s = e.style;
      sw.style.borderColor = s.color || "#333";
      if (e.kind === "polygon") {
        sw.style.background = blend(s.fillColor || s.color, opacity(s.fillOpacity, 0.2), this._sea);
        if (s.dashArray) { sw.style.borderStyle = "dashed"; }
      } else if (e.kind === "line") {  /* the line itself, with the map's dash pattern */
        sw.style.border = "0";
        var svg = document.createElementNS(SVG, "svg"), ln = document.createElementNS(SVG, "line");
        svg.setAttribute("width", "18"); svg.setAttribute("height", "8");
        ln.setAttribute("x1", "0"); ln.setAttribute("y1", "4"); ln.setAttribute("x2", "18"); ln.setAttribute("y2", "4");
        ln.setAttribute("stroke", s.color || "#333");
        ln.setAttribute("stroke-width", String(Math.max(1.5, s.weight || 1.5)));
        if (s.dashArray) { ln.setAttribute("stroke-dasharray", String(s.dashArray)); }
        svg.appendChild(ln); sw.appendChild(svg);
      } else {
        sw.style.background = blend(s.fillColor || s.color, opacity(s.fillOpacity, 0.2), "#ffffff");
      }
      var text = node("span", "gm-legend-label", row);
      text.innerHTML = e.legend;  /* escaped in Python */
      if (e.name !== e.legend) { node("span", "gm-legend-name", text).innerHTML = e.name; }  /* escaped in Python */
    },
    collapse: function (on) {
      this.collapsed = !!on;
      L.DomUtil[on ? "addClass" : "removeClass"](this._box, "gm-collapsed");
      this._btn.setAttribute("aria-expanded", on ? "false" : "true");
      this._btn.textContent = on ? "Key \u25b8" : "Key \u25be";
      this._btn.title = on ? "Show the key and the layer switches" : "Hide the key";
      if (this._map) { this._map.fire("gmlayers"); }
    }
  });

  function ring(a, q) {
    var out = new Array(a.length / 2), x = 0, y = 0;
    for (var i = 0, j = 0; i < a.length; i += 2, j++) { x += a[i]; y += a[i + 1]; out[j] = [y / q, x / q]; }
    return out;
  }

  function buildLayer(map, lyr, reg) {
    /* features are [kind, geometry, tooltip, popup, label, rank]; kind 0 point, 1 lines, 2 polygons */
    var group = L.featureGroup(), q = lyr.q, pq = lyr.pq, i, f, obj;
    var opts = L.extend({ pane: lyr.pane }, lyr.style);
    function lines(ls) { return ls.map(function (l) { return ring(l, q); }); }
    for (i = 0; i < lyr.f.length; i++) {
      f = lyr.f[i];
      if (f[0] === 0) {
        obj = L.circleMarker([f[1][1] / pq, f[1][0] / pq], opts);
        reg.markers.push(obj);
        if (f[4]) { reg.labels.push({ marker: obj, group: group, text: f[4], rank: f[5] || 0, kind: "place" }); }
      } else if (f[0] === 1) {
        obj = L.polyline(lines(f[1]), opts);
      } else {
        obj = L.polygon(f[1].map(lines), opts);
      }
      if (f[2]) { obj.bindTooltip(f[2], { sticky: f[0] !== 0 }); }  /* escaped in Python */
      if (f[3]) { obj.bindPopup(f[3], reg.popup); }                 /* escaped in Python */
      obj.options.gmLayer = lyr.name;
      group.addLayer(obj);
    }
    return group;
  }

  function panes(map) {
    var z = { gmBase: 250, gmZones: 410, gmLines: 420, gmUser: 440, gmPlaces: 460, gmLabels: 600 };
    for (var k in z) {
      if (Object.prototype.hasOwnProperty.call(z, k)) { map.createPane(k).style.zIndex = String(z[k]); }
    }
    map.getPane("gmLabels").style.pointerEvents = "none";
  }

  /* ---- popups: a readable width, a bounded height, placed inside the map without panning it ---- */
  function popupOptions(map) {
    var size = map.getSize(), maxW = Math.max(160, Math.min(320, size.x - 40));
    return { maxWidth: maxW, minWidth: Math.min(240, maxW), maxHeight: Math.max(90, Math.min(300, size.y - 90)),
             autoPan: false, className: "gm-popup-box" };
  }
  function placePopup(reg, popup) {
    var map = reg.map, c = popup.getElement();
    if (!c) { return; }
    popup.options.offset = L.point(0, 7);
    popup.update();
    var cb = map.getContainer().getBoundingClientRect(), rr = c.getBoundingClientRect(), size = map.getSize();
    var p = map.latLngToContainerPoint(popup.getLatLng()), src = popup._source;
    var rad = src && src.getRadius ? src.getRadius() : 0, m = 6, top = reg.top + m;
    var x = rr.left - cb.left, y = rr.top - cb.top, w = rr.width, h = rr.height;
    var nx = Math.max(m, Math.min(size.x - m - w, x)), ny = y, free = nx !== x;
    if (y < top) {  /* no room above the marker: open below it, or as high as the map allows */
      ny = Math.max(top, Math.min(p.y + rad + 4, size.y - m - h));
      free = true;
    }
    L.DomUtil[free ? "addClass" : "removeClass"](c, "gm-popup-free");
    if (nx !== x || ny !== y) {
      popup.options.offset = L.point(Math.round(nx - x), Math.round(7 + ny - y));
      popup.update();
    }
  }

  /* ---- the first view: the story's bounds, with room left for the title and the controls ---- */
  function fit(reg) {
    var map = reg.map, b = reg.spec.bounds, el = map.getContainer(), m = 8;
    var bounds = L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]);
    var pad = { l: m, t: Math.min(reg.top, 0.5 * map.getSize().y) + m, r: m, b: m };
    for (var k = 0; k < 8; k++) {
      map.fitBounds(bounds, { paddingTopLeft: [pad.l, pad.t], paddingBottomRight: [pad.r, pad.b], animate: false });
      var size = map.getSize(), rects = furniture(el), grew = false, shown = map.getBounds();
      for (var i = 0; i < reg.markers.length; i++) {
        var mk = reg.markers[i], ll = mk.getLatLng();
        if (!map.hasLayer(mk) || !shown.contains(ll)) { continue; }  /* every marker in view, strays included */
        var p = map.latLngToContainerPoint(ll), r = mk.getRadius() + 2;
        for (var j = 0; j < rects.length; j++) {
          var c = rects[j];
          if (p.x + r <= c.l || p.x - r >= c.r || p.y + r <= c.t || p.y - r >= c.b) { continue; }
          if (!bounds.contains(ll)) { bounds.extend(ll); grew = true; continue; }  /* a stray in view: frame it too */
          /* move that side of the frame past the control: the side that costs the least room */
          var need = [["l", c.r + r + m, size.x, c.l], ["r", size.x - c.l + r + m, size.x, size.x - c.r],
                      ["t", c.b + r + m, size.y, c.t], ["b", size.y - c.t + r + m, size.y, size.y - c.b]];
          var best = null;
          for (var n = 0; n < 4; n++) {
            var s = need[n];
            if (s[3] > 40 || s[1] <= pad[s[0]]) { continue; }  /* only sides the control leans on */
            if (!best || s[1] / s[2] < best[1] / best[2]) { best = s; }
          }
          if (best && pad.l + pad.r + (best[0] === "l" || best[0] === "r" ? best[1] : 0) < 0.8 * size.x &&
              pad.t + pad.b + (best[0] === "t" || best[0] === "b" ? best[1] : 0) < 0.8 * size.y) {
            pad[best[0]] = best[1]; grew = true;
          }
        }
      }
      if (!grew) { break; }
    }
    reg.padding = pad;
  }

  /* ---- labels: every place, then seas and countries, placed clear of each other, markers and controls ---- */
  var SMALL = 700;  /* maps narrower than this (embeds, phones) get compact furniture and a closed key */
  var SPOTS = [[1, 0], [-1, 0], [0.7, -0.7], [0.7, 0.7], [-0.7, -0.7], [-0.7, 0.7], [0, -1], [0, 1]];
  var RINGS = [6, 20, 34, 52];  /* gaps in px between a marker and its label; beyond the first a leader line */
  function spot(p, r, w, h, d, gap) {
    var dx = d[0], dy = d[1], x, y;
    x = dx > 0 ? p.x + dx * r + gap : dx < 0 ? p.x + dx * r - gap - w : p.x - w / 2;
    y = dy > 0 ? p.y + dy * r + gap : dy < 0 ? p.y + dy * r - gap - h : p.y - h / 2;
    return { l: x, t: y, r: x + w, b: y + h };
  }
  /* true if the whole of circle marker mk is inside the map */
  function wholly(map, mk) {
    var p = map.latLngToContainerPoint(mk.getLatLng()), r = mk.getRadius() + 1, size = map.getSize();
    return p.x - r >= 0 && p.y - r >= 0 && p.x + r <= size.x && p.y + r <= size.y;
  }
  function labelAll(reg) {
    var map = reg.map, box = reg.labelBox, el = map.getContainer();
    if (!box) { return; }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var size = map.getSize(), zoom = map.getZoom(), taken = furniture(el), marks = [], i, j;
    var nFurniture = taken.length;
    var frame = { l: 2, t: 2, r: size.x - 2, b: size.y - 2 };
    for (i = 0; i < reg.markers.length; i++) {
      var mk = reg.markers[i];
      if (!map.hasLayer(mk)) { continue; }
      var mp = map.latLngToContainerPoint(mk.getLatLng()), mr = mk.getRadius() + 1, whole = wholly(map, mk);
      /* a marker the map's edge would cut is shown whole or not at all */
      if (mk._path) { L.DomUtil[whole ? "removeClass" : "addClass"](mk._path, "gm-cut"); }
      if (whole) { marks.push({ x: mp.x, y: mp.y, r: mr }); }
    }
    function free(b) {
      if (b.l < frame.l || b.t < frame.t || b.r > frame.r || b.b > frame.b) { return false; }
      for (var k = 0; k < taken.length; k++) { if (overlaps(b, taken[k])) { return false; } }
      for (k = 0; k < marks.length; k++) { if (hitsCircle(b, marks[k])) { return false; } }
      return true;
    }
    /* how many other markers and labels sit on the line of text of box b (beside it, within a gap) */
    function crowd(b, own) {
      var band = { l: b.l - 36, t: b.t + 2, r: b.r + 36, b: b.b - 2 }, n = 0, k;
      for (k = 0; k < marks.length; k++) {
        var mk = marks[k];
        if ((mk.x !== own.x || mk.y !== own.y) && hitsCircle(band, mk)) { n++; }
      }
      for (k = nFurniture; k < taken.length; k++) { if (overlaps(band, taken[k])) { n++; } }
      return n;
    }
    /* 1 if another marker is as near to box b as its own marker is: the label would seem to name it */
    function astray(b, own) {
      function gap(c) {  /* from point c to the box */
        var x = Math.max(b.l, Math.min(c.x, b.r)), y = Math.max(b.t, Math.min(c.y, b.b));
        return Math.sqrt((x - c.x) * (x - c.x) + (y - c.y) * (y - c.y));
      }
      var mine = gap(own);
      for (var k = 0; k < marks.length; k++) {
        var mk = marks[k];
        if ((mk.x !== own.x || mk.y !== own.y) && gap(mk) <= mine + 2) { return 1; }
      }
      return 0;
    }
    function put(item, b, p) {
      var pt = map.containerPointToLayerPoint([b.l, b.t]);
      L.DomUtil.setPosition(item.el, pt);
      taken.push(b); reg.placed.push(item.el);
      if (!p) { return; }
      var cx = Math.max(b.l, Math.min(p.x, b.r)), cy = Math.max(b.t, Math.min(p.y, b.b));
      var dx = cx - p.x, dy = cy - p.y, len = Math.sqrt(dx * dx + dy * dy) - p.r;
      if (len < 4) { return; }
      var line = node("div", "gm-leader", box), a = Math.atan2(dy, dx);
      line.style.width = Math.round(len) + "px";
      L.DomUtil.setPosition(line, map.containerPointToLayerPoint([p.x + Math.cos(a) * p.r, p.y + Math.sin(a) * p.r]));
      line.style.transform += " rotate(" + a.toFixed(3) + "rad)";
    }
    reg.placed = []; reg.unlabelled = [];
    var items = [];
    for (i = 0; i < reg.labels.length; i++) {
      var it = reg.labels[i];
      if (map.hasLayer(it.group) && it.marker._path && !L.DomUtil.hasClass(it.marker._path, "gm-cut")) { items.push(it); }
    }
    items.sort(function (a, b) { return b.rank - a.rank || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0); });
    for (i = 0; i < items.length; i++) {
      var lab = items[i], p = map.latLngToContainerPoint(lab.marker.getLatLng());
      lab.el = node("div", "gm-label gm-label-place", box, lab.text);
      var w = lab.el.offsetWidth, h = lab.el.offsetHeight, r = lab.marker.getRadius(), best = null;
      for (var ring2 = 0; ring2 < RINGS.length; ring2++) {
        for (j = 0; j < SPOTS.length; j++) {
          var b = spot(p, r, w, h, SPOTS[j], RINGS[ring2]);
          if (!free(b)) { continue; }
          /* the nearer and the more usual the spot the better; a label is read worst (by eye and
           * by OCR) when another marker or label sits on its line of text, and misread when
           * another marker is as near to it as its own, so those cost too */
          var stray = astray(b, p), cost = ring2 * 4 + j * 0.5 + 6 * crowd(b, p) + 6 * stray;
          if (!best || cost < best.cost) { best = { box: b, cost: cost, lead: ring2 > 0 || stray > 0 }; }
        }
        if (best && best.cost < (ring2 + 1) * 4) { break; }  /* no farther ring can do better */
      }
      /* a label set off from its marker, or as near another, gets a leader line to its own */
      if (best) { put(lab, best.box, best.lead ? { x: p.x, y: p.y, r: r } : null); } else { box.removeChild(lab.el); reg.unlabelled.push(lab.text); }
    }
    var geo = reg.spec.geo || [];
    for (i = 0; i < geo.length; i++) {
      var g = geo[i];
      if (zoom < g[4]) { continue; }
      var gp = map.latLngToContainerPoint([g[1] / 1e5, g[0] / 1e5]);
      if (gp.x < 0 || gp.y < 0 || gp.x > size.x || gp.y > size.y) { continue; }
      var ge = { el: node("div", "gm-label gm-label-" + g[3], box, g[2]) };
      var gw = ge.el.offsetWidth, gh = ge.el.offsetHeight;
      var gb = { l: gp.x - gw / 2, t: gp.y - gh / 2, r: gp.x + gw / 2, b: gp.y + gh / 2 };
      if (free(gb)) { put(ge, gb, null); } else { box.removeChild(ge.el); }
    }
  }

  function header(el, spec, unlabelled) {
    var also = spec.also || [], bare = unlabelled || [];
    if (!spec.title && !spec.notice && !also.length && !bare.length) { return null; }
    var head = node("div", "gm-head", el);
    L.DomEvent.disableClickPropagation(head);
    if (spec.title) { node("div", "gm-title", head).innerHTML = spec.title; }     /* escaped in Python */
    if (spec.notice) { node("div", "gm-notice", head).innerHTML = spec.notice; }  /* escaped in Python */
    if (also.length) { node("div", "gm-also", head, "Also named, outside this view: " + also.join(", ")); }
    if (bare.length) { node("div", "gm-also gm-unlabelled", head, "Not labelled at this zoom: " + bare.join(", ")); }
    return head;
  }
  function setTop(reg, head) {
    var el = reg.map.getContainer(), tops = el.querySelectorAll(".leaflet-top");
    reg.top = head ? head.offsetHeight : 0;
    for (var i = 0; i < tops.length; i++) { tops[i].style.top = reg.top + "px"; }
  }
  /* the "also named" line lists the places whose markers the first view leaves out (or would cut) */
  function outside(reg) {
    var map = reg.map, names = [], seen = {};
    for (var i = 0; i < reg.labels.length; i++) {
      var it = reg.labels[i];
      if (it.kind === "place" && !wholly(map, it.marker) && !seen[it.text]) {
        seen[it.text] = 1; names.push(it.text);
      }
    }
    return names;
  }

  /* after the reader moves the map: label again and keep the "not labelled" line true */
  function relabel(reg) {
    labelAll(reg);
    var line = reg.head && reg.head.querySelector(".gm-unlabelled"), text = reg.unlabelled.join(", ");
    if (!line && !text) { return; }
    var before = reg.top, el = reg.map.getContainer();
    if (!line) {
      if (!reg.head) { reg.head = header(el, { also: [] }, reg.unlabelled); } else { line = node("div", "gm-also gm-unlabelled", reg.head); }
    }
    if (line) {
      if (text) { line.textContent = "Not labelled at this zoom: " + text; } else { reg.head.removeChild(line); }
      if (!reg.head.firstChild) { el.removeChild(reg.head); reg.head = null; }
    }
    setTop(reg, reg.head);
    if (reg.top !== before) { labelAll(reg); }
  }

  function draw(id, spec) {
    var el = typeof id === "string" ? document.getElementById(id) : id;
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: true, preferCanvas: false });
    var reg = { map: map, layers: {}, markers: [], labels: [], placed: [], spec: spec, top: 0 };
    reg.popup = popupOptions(map);
    panes(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>');
    el.style.background = spec.sea || "#ffffff";
    if (el.clientWidth < SMALL) { L.DomUtil.addClass(el, "gm-small"); }
    if (spec.alt) {  /* what the map shows, for screen readers */
      var alt = node("p", "gm-alt", el, spec.alt);
      alt.id = el.id + "-alt";
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "Map");
      el.setAttribute("aria-describedby", alt.id);
    }
    var pending = 0;
    function ready() {
      if (pending !== 0) { return; }
      el.setAttribute("data-geomap-ready", "1");
      /* inside an embed iframe, tell the report page the map has drawn (only the element id) */
      if (window.parent && window.parent !== window) { window.parent.postMessage({ geomapReady: el.id }, "*"); }
    }
    var entries = [];
    if (spec.tiles) {
      var t = L.tileLayer(spec.tiles.url, { maxZoom: spec.tiles.maxZoom, attribution: spec.tiles.attribution });
      t.addTo(map);
      pending++;
      t.once("load", function () { pending--; ready(); });
    }
    for (var i = 0; i < spec.layers.length; i++) {
      var lyr = spec.layers[i];
      var g = buildLayer(map, lyr, reg);
      reg.layers[lyr.name] = g;
      if (lyr.show) { g.addTo(map); }
      if ((lyr.legend || lyr.control) && lyr.f.length) {  /* names and legends are escaped HTML */
        entries.push({ group: g, legend: lyr.legend || lyr.name, name: lyr.name, kind: lyr.kind, style: lyr.style, control: lyr.control });
      }
    }
    for (i = 0; i < spec.attribution.length; i++) { map.attributionControl.addAttribution(spec.attribution[i]); }
    var head = header(el, spec);
    setTop(reg, head);
    reg.scale = new Scale().addTo(map);
    if (!printing()) { reg.measure = new Measure().addTo(map); }
    if (entries.length) { reg.key = new Key(entries, spec.sea || "#ffffff", !printing() && el.clientWidth < SMALL).addTo(map); }
    reg.labelBox = node("div", "gm-labels leaflet-zoom-hide", map.getPane("gmLabels"));
    fit(reg);
    var also = outside(reg);
    if (also.join("\n") !== (spec.also || []).join("\n")) {  /* the map's real size showed more or less */
      if (head) { el.removeChild(head); }
      head = header(el, L.extend({}, spec, { also: also }));
      setTop(reg, head);
      fit(reg);
    }
    map.on("popupopen", function (e) { placePopup(reg, e.popup); });
    map.on("zoomend", function () { var p = map._popup; if (p && map.hasLayer(p)) { placePopup(reg, p); } });
    labelAll(reg);
    if (reg.unlabelled.length) {  /* name them under the title, and fit the view round the taller head */
      if (head) { el.removeChild(head); }
      head = header(el, L.extend({}, spec, { also: also }), reg.unlabelled);
      setTop(reg, head);
      fit(reg);
      labelAll(reg);
    }
    reg.head = head; reg.also = also;
    map.on("moveend gmlayers resize", function () { relabel(reg); });
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
