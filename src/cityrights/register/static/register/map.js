/* Register map: Leaflet fed by the GeoJSON endpoint, or on an entry's page by the entry's own
   list of places (data-places names it). Loaded as a static file (no inline script).

   Markers are real Leaflet markers, so they are in the Tab order (role "button") and open
   with Enter. Places that would overlap at the current zoom are drawn as one numbered group
   marker, so every target stays at least 24 by 24 pixels and apart from its neighbours
   (WCAG 2.5.8); Enter (or Space) on a group zooms in and puts the focus on the first place
   inside it, or lists the places when they share one spot. Opening a popup moves the focus to
   its "Read more" link and Escape brings it back to the marker, so a keyboard user never has to
   Tab through every other marker to reach the link.
   Popups are built with textContent, never innerHTML, so names can never inject markup. */
(function () {
  "use strict";

  var GAP_X = 44;  // marker icons are 25 by 41 pixels; keep a margin between targets
  var GAP_Y = 60;

  function text(tag, value) {
    var node = document.createElement(tag);
    node.textContent = value || "";
    return node;
  }

  function link(href, label) {
    var node = text("a", label);
    node.href = href || "#";
    return node;
  }

  function start() {
    var element = document.getElementById("register-map");
    if (!element || typeof L === "undefined") { return; }
    var more = element.dataset.more || "Read more";
    var groupLabel = element.dataset.group || "{n} places here: zoom in";
    // Leaflet's own controls speak English: the page hands them its words.
    var closeLabel = element.dataset.close || "Close";
    L.Icon.Default.imagePath = element.dataset.icons;
    var map = L.map(element, {
      keyboard: true, scrollWheelZoom: false, maxZoom: 19, zoomControl: false
    });
    L.control.zoom({
      zoomInTitle: element.dataset.zoomIn || "Zoom in",
      zoomOutTitle: element.dataset.zoomOut || "Zoom out"
    }).addTo(map);
    map.attributionControl.setPrefix("Leaflet");
    if (element.dataset.tiles) {
      // Tile servers such as OpenStreetMap's ask for the page's origin (never its full address).
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution || "",
        referrerPolicy: "strict-origin-when-cross-origin"
      }).addTo(map);
    }
    var layer = L.layerGroup().addTo(map);
    var points = [];
    var focusAfterZoom = null;  // bounds of the group that was opened with the keyboard

    function zoomInto(bounds, byKeyboard) {
      focusAfterZoom = byKeyboard ? bounds : null;
      map.fitBounds(bounds, { padding: [48, 48] });
    }

    function onEnter(node, action) {
      node.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          event.stopPropagation();
          action();
        }
      });
    }

    function keyboardPopups(marker) {
      marker.on("popupopen", function (event) {
        var box = event.popup.getElement();
        if (!box) { return; }
        var close = box.querySelector(".leaflet-popup-close-button");
        if (close) {
          close.setAttribute("aria-label", closeLabel);
          close.title = closeLabel;
        }
        if (!box.dataset.escape) {
          box.dataset.escape = "true";
          box.addEventListener("keydown", function (key) {
            if (key.key === "Escape") { key.preventDefault(); marker.closePopup(); }
          });
        }
        var target = box.querySelector(".leaflet-popup-content a");
        if (target) { target.focus(); }
      });
      marker.on("popupclose", function () {
        var node = marker.getElement();
        var active = document.activeElement;
        var lost = !active || active === document.body || !document.body.contains(active) ||
          (map.getPane("popupPane").contains(active));
        if (node && document.body.contains(node) && lost) { node.focus(); }
      });
    }

    function popupFor(items) {
      var box = document.createElement("div");
      var list = document.createElement("ul");
      items.forEach(function (p) {
        var item = document.createElement("li");
        item.appendChild(text("strong", p.name));
        item.appendChild(document.createElement("br"));
        item.appendChild(document.createTextNode(p.description + " "));
        item.appendChild(link(p.url, more));
        list.appendChild(item);
      });
      if (items.length === 1) {
        box.appendChild(text("strong", items[0].name));
        box.appendChild(text("p", items[0].description));
        box.appendChild(link(items[0].url, more));
      } else {
        box.appendChild(list);
      }
      return box;
    }

    function draw() {
      layer.clearLayers();
      var groups = [];
      points.forEach(function (point) {
        var pixel = map.latLngToLayerPoint(point.latlng);
        for (var i = 0; i < groups.length; i++) {
          var g = groups[i];
          if (Math.abs(g.pixel.x - pixel.x) < GAP_X && Math.abs(g.pixel.y - pixel.y) < GAP_Y) {
            g.items.push(point);
            return;
          }
        }
        groups.push({ pixel: pixel, items: [point] });
      });
      groups.forEach(function (group) {
        var items = group.items;
        if (items.length === 1) {
          var p = items[0];
          var label = p.name + " — " + p.description;
          var single = L.marker(p.latlng, { keyboard: true, title: label, alt: label })
            .bindPopup(popupFor([p])).addTo(layer);
          keyboardPopups(single);
          return;
        }
        var bounds = L.latLngBounds(items.map(function (item) { return item.latlng; }));
        var title = groupLabel.replace("{n}", String(items.length));
        var marker = L.marker(bounds.getCenter(), {
          keyboard: true,
          title: title,
          icon: L.divIcon({ className: "register-group", html: "", iconSize: [40, 40] })
        }).addTo(layer);
        var node = marker.getElement();
        if (node) {
          node.textContent = String(items.length);
          node.setAttribute("aria-label", title);
        }
        var samePlace = bounds.getNorthEast().equals(bounds.getSouthWest());
        if (samePlace || map.getZoom() >= map.getMaxZoom()) {
          marker.bindPopup(popupFor(items));
          keyboardPopups(marker);
        } else {
          marker.on("click", function () { zoomInto(bounds, false); });
          if (node) { onEnter(node, function () { zoomInto(bounds, true); }); }
        }
      });
      if (focusAfterZoom) {
        var wanted = focusAfterZoom;
        focusAfterZoom = null;
        var first = null;
        layer.eachLayer(function (drawn) {
          if (!first && wanted.pad(0.01).contains(drawn.getLatLng())) { first = drawn; }
        });
        if (first && first.getElement()) { first.getElement().focus(); }
      }
    }

    function show() {
      var bounds = L.latLngBounds(points.map(function (p) { return p.latlng; }));
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
      }
      draw();
      element.dataset.ready = "true";
    }

    map.setView([0, 0], 2);
    map.on("zoomend", draw);
    if (element.dataset.places) {
      // An entry's own places: read from the list on the page, which stays the alternative.
      document.querySelectorAll(element.dataset.places + " [data-lat]").forEach(function (item) {
        points.push({
          latlng: L.latLng(Number(item.dataset.lat), Number(item.dataset.lon)),
          name: item.dataset.name, description: item.dataset.description, url: "#" + item.id
        });
      });
      show();
      return;
    }
    fetch(element.dataset.geojson, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        (data.features || []).forEach(function (feature) {
          var c = feature.geometry && feature.geometry.coordinates;
          if (!c) { return; }
          var p = feature.properties || {};
          points.push({ latlng: L.latLng(c[1], c[0]), name: p.name, description: p.description, url: p.url });
        });
        show();
      })
      .catch(function () { element.classList.add("register-map--failed"); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
