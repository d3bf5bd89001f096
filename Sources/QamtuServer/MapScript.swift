/// The web map's script (`/map/map.js`), served with ``MapPage``: MapLibre GL JS over this
/// server's collections, the year slider and scenario switch (they replace the coverage and
/// footprints sources with ones whose URL carries `as-of` and `scenario`), popups with each
/// settlement's reason (`/collections/coverage/items/{id}`), the name search (`/map/search`) and
/// the road panel (`/roads/{road}/masts` and `/roads/{road}/gaps`). It uses the vector tiles when
/// `/conformance` lists OGC API – Tiles, else the GeoJSON items. For tests it exposes
/// `window.qamtuMap`, `window.qamtuState` ({year, scenario, ready, tiles, coverageSource}),
/// `window.qamtuSettled()` and `<body data-idle>`.
enum MapScript {
    /// The script, UTF-8.
    static let source = #"""
// Qamtu's web map: MapLibre GL JS over this server's collections only (no basemap, fonts or
// sprites: nothing is requested from another host). Settlements are coloured by coverage class
// as of the slider's year in the chosen scenario; a click shows why.
// For tests: window.qamtuMap (the maplibre Map), window.qamtuState ({year, scenario, ready,
// tiles, coverageSource}), window.qamtuSettled() (a promise of the next settled state) and
// <body data-idle="true|false">.
(function () {
  'use strict';
  const base = new URL('.', window.location.href).href; // the server's root, also behind a proxy
  const api = (path) => base + path;
  const classColours = ['match', ['get', 'class'], 'served', '#1a9850', 'underserved', '#fdae61', 'unserved', '#d73027', '#888888'];
  const operatorColours = ['match', ['coalesce', ['get', 'operator'], ''],
    'Kcell', '#7b3294', 'Beeline', '#e6ab02', 'Kar-Tel', '#e6ab02', 'Tele2', '#333333', 'Mobile Telecom-Service', '#333333',
    'Altel', '#e7298a', 'Kazakhtelecom', '#1f78b4', '#999999'];
  const technologies = ['coalesce', ['get', 'technologies'], ['get', 'technology'], ''];
  const technologyStroke = ['case',
    ['in', '5G', technologies], '#000000', ['in', '4G', technologies], '#08519c',
    ['in', 'fibre', technologies], '#8c510a', ['in', '3G', technologies], '#6baed6', '#c6dbef'];
  const technologyWidth = ['case', ['in', '5G', technologies], 2.5, ['in', '4G', technologies], 2, 1];

  const state = { year: new Date().getFullYear(), scenario: 'actual', ready: false, tiles: false, coverageSource: null };
  window.qamtuState = state;
  const yearInput = document.getElementById('year');
  state.year = Math.min(Math.max(state.year, Number(yearInput.min)), Number(yearInput.max));
  yearInput.value = String(state.year);
  document.getElementById('year-value').textContent = String(state.year);

  const map = new maplibregl.Map({
    container: 'map',
    style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0eb' } }] },
    center: [72.5, 43.9], zoom: 6, attributionControl: false, maxZoom: 16,
  });
  window.qamtuMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');

  function status(text, isError) {
    const element = document.getElementById('status');
    element.textContent = text || '';
    element.className = isError ? 'error' : 'muted';
  }

  async function getJSON(path) {
    const response = await fetch(api(path), { headers: { Accept: 'application/geo+json, application/json' } });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.description) || (response.status + ' ' + response.statusText));
    return body;
  }

  // ---- settling: every change sets ready=false and data-idle=false, and the next 'idle' after
  // the changed sources loaded sets them back.
  let changes = 0;
  let settledWaiters = [];
  function changed(sourceIds) {
    const change = ++changes;
    state.ready = false;
    document.body.dataset.idle = 'false';
    const check = () => {
      if (change !== changes) { map.off('idle', check); return; }
      if (!sourceIds.every((id) => map.getSource(id) && map.isSourceLoaded(id))) { map.triggerRepaint(); return; }
      map.off('idle', check);
      state.ready = true;
      document.body.dataset.idle = 'true';
      const waiters = settledWaiters;
      settledWaiters = [];
      waiters.forEach((resolve) => resolve({ ...state }));
    };
    map.on('idle', check);
    map.triggerRepaint();
  }
  window.qamtuSettled = () => state.ready ? Promise.resolve({ ...state }) : new Promise((resolve) => settledWaiters.push(resolve));

  function tileURL(path, query) {
    return api(path + '/WebMercatorQuad/{z}/{y}/{x}') + (query ? '?' + query : '');
  }

  // ---- sources: vector tiles when the server implements OGC API – Tiles, else GeoJSON items.
  function layerSource(collection) {
    if (state.tiles) return { source: 'stored', sourceLayer: collection };
    return { source: collection, sourceLayer: undefined };
  }

  function addLayer(spec, collection) {
    const where = layerSource(collection);
    const layer = { ...spec, source: where.source };
    if (where.sourceLayer) layer['source-layer'] = where.sourceLayer;
    map.addLayer(layer);
  }

  function analysisQuery() {
    return 'as-of=' + state.year + '&scenario=' + state.scenario;
  }

  function addStoredSources() {
    if (state.tiles) {
      map.addSource('stored', { type: 'vector', tiles: [tileURL('tiles')], minzoom: 0, maxzoom: 14 });
      return ['stored'];
    }
    for (const collection of ['districts', 'roads', 'sites']) {
      map.addSource(collection, { type: 'geojson', data: api('collections/' + collection + '/items?limit=10000') });
    }
    return ['districts', 'roads', 'sites'];
  }

  function footprintsSource() {
    return state.tiles
      ? { type: 'vector', tiles: [tileURL('collections/footprints/tiles', analysisQuery())], minzoom: 0, maxzoom: 14 }
      : { type: 'geojson', data: api('collections/footprints/items?limit=10000&' + analysisQuery()) };
  }

  function coverageSource() {
    return state.tiles
      ? { type: 'vector', tiles: [tileURL('collections/coverage/tiles', analysisQuery())], minzoom: 0, maxzoom: 14 }
      : { type: 'geojson', data: api('collections/coverage/items?limit=10000&' + analysisQuery()), promoteId: 'id' };
  }

  // The analysis layers are replaced on each change of year or scenario: a new source (its URL
  // carries as-of and scenario) under the same layer id.
  function setAnalysisLayers(alsoWaitFor = []) {
    const suffix = state.year + '-' + state.scenario;
    const footprintsId = 'footprints-' + suffix;
    const coverageId = 'coverage-' + suffix;
    for (const [layerId, sourceId] of [['footprints', footprintsId], ['coverage', coverageId]]) {
      const old = map.getLayer(layerId) ? map.getLayer(layerId).source : null;
      if (old === sourceId) continue;
      if (old) map.removeLayer(layerId);
      if (old && map.getSource(old)) map.removeSource(old);
    }
    if (!map.getSource(footprintsId)) {
      map.addSource(footprintsId, footprintsSource());
      const layer = { id: 'footprints', type: 'fill', source: footprintsId,
        paint: { 'fill-color': operatorColours, 'fill-opacity': 0.1 } };
      if (state.tiles) layer['source-layer'] = 'footprints';
      map.addLayer(layer, 'districts-outline');
    }
    if (!map.getSource(coverageId)) {
      map.addSource(coverageId, coverageSource());
      const layer = { id: 'coverage', type: 'circle', source: coverageId,
        paint: {
          'circle-color': classColours,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 3, 9, 6, 13, 9],
          'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1,
        } };
      if (state.tiles) layer['source-layer'] = 'coverage';
      map.addLayer(layer, map.getLayer('road-masts') ? 'road-masts' : undefined);
    }
    state.coverageSource = coverageId;
    changed([footprintsId, coverageId].concat(alsoWaitFor));
  }

  function addStoredLayers() {
    addLayer({ id: 'districts-fill', type: 'fill', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.55 } }, 'districts');
    addLayer({ id: 'districts-outline', type: 'line', paint: { 'line-color': '#666666', 'line-width': 1.2, 'line-dasharray': [3, 2] } }, 'districts');
    addLayer({ id: 'roads', type: 'line', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: {
      'line-color': ['match', ['get', 'category'], 'international', '#c0392b', 'regional', '#e67e22', '#7f8c8d'],
      'line-width': ['match', ['get', 'category'], 'international', 3, 'regional', 2, 1.2],
    } }, 'roads');
    addLayer({ id: 'sites', type: 'circle', minzoom: 7, paint: {
      'circle-color': operatorColours, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 2, 12, 5],
      'circle-stroke-color': technologyStroke, 'circle-stroke-width': technologyWidth, 'circle-opacity': 0.85,
    } }, 'sites');
  }

  function addRoadLayers() {
    map.addSource('road-gaps', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addSource('road-masts', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'road-gaps', type: 'line', source: 'road-gaps',
      paint: { 'line-color': '#d7191c', 'line-width': 6, 'line-opacity': 0.75 } });
    map.addLayer({ id: 'road-masts', type: 'circle', source: 'road-masts',
      paint: { 'circle-color': operatorColours, 'circle-radius': 6, 'circle-stroke-color': '#000000', 'circle-stroke-width': 2 } });
  }

  // ---- popups: a settlement's class and the reason, from the coverage collection.
  const popup = new maplibregl.Popup({ closeButton: true, maxWidth: '340px' });
  function row(className, text) {
    const element = document.createElement('div');
    element.className = className;
    element.textContent = text;
    return element;
  }
  async function showSettlement(feature, lngLat) {
    const id = feature.properties.id;
    const content = document.createElement('div');
    content.className = 'settlement';
    content.dataset.id = id;
    content.appendChild(row('name', feature.properties.name || id));
    popup.setLngLat(lngLat).setDOMContent(content).addTo(map);
    try {
      const item = await getJSON('collections/coverage/items/' + encodeURIComponent(id) + '?' + analysisQuery());
      const p = item.properties || {};
      content.appendChild(row('class', p.class + ' as of ' + state.year + ' (' + state.scenario + ')'
        + (p.population != null ? ', population ' + p.population : '')));
      content.appendChild(row('reason', p.reason || ''));
      content.dataset.loaded = 'true';
    } catch (error) {
      content.appendChild(row('error', 'could not read the reason: ' + error.message));
    }
  }
  map.on('click', 'coverage', (event) => {
    if (event.features && event.features.length) showSettlement(event.features[0], event.lngLat);
  });
  map.on('mouseenter', 'coverage', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'coverage', () => { map.getCanvas().style.cursor = ''; });

  function updateCounts() {
    if (!map.getLayer('coverage')) return;
    const seen = new Map();
    for (const f of map.queryRenderedFeatures({ layers: ['coverage'] })) seen.set(f.properties.id, f.properties.class);
    const byClass = {};
    for (const c of seen.values()) byClass[c] = (byClass[c] || 0) + 1;
    document.getElementById('counts').textContent = 'In view: ' + ['served', 'underserved', 'unserved']
      .map((c) => (byClass[c] || 0) + ' ' + c).join(', ');
  }
  map.on('idle', updateCounts);

  // ---- year and scenario
  yearInput.addEventListener('input', () => {
    state.year = Number(yearInput.value);
    document.getElementById('year-value').textContent = String(state.year);
    popup.remove();
    setAnalysisLayers();
  });
  for (const radio of document.querySelectorAll('input[name=scenario]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      state.scenario = radio.value;
      popup.remove();
      setAnalysisLayers();
    });
  }

  // ---- search: the server's name search in any script (/map/search), then fly there.
  function bounds(geometry) {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    const walk = (c) => {
      if (typeof c[0] === 'number') {
        b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
      } else c.forEach(walk);
    };
    walk(geometry.coordinates);
    return b;
  }
  function goTo(feature) {
    const b = bounds(feature.geometry);
    if (b[0] === b[2] && b[1] === b[3]) map.flyTo({ center: [b[0], b[1]], zoom: 11 });
    else map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 12 });
    changed([]);
  }
  document.getElementById('search-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = document.getElementById('search-text').value.trim();
    const layer = document.getElementById('search-layer').value;
    const results = document.getElementById('search-results');
    results.textContent = '';
    if (!text) return;
    try {
      const found = await getJSON('map/search?q=' + encodeURIComponent(text) + '&layer=' + layer + '&limit=8');
      if (!found.features.length) { results.appendChild(row('muted', 'nothing found')); return; }
      for (const feature of found.features) {
        const p = feature.properties;
        const button = document.createElement('button');
        button.type = 'button';
        const names = [p.name, p.name_kk, p.name_ru, p.name_en, p.ref].filter((n, i, all) => n && all.indexOf(n) === i);
        button.textContent = names.join(' / ') + (p.district ? ' (' + p.district + ')' : '');
        button.dataset.id = feature.id;
        button.addEventListener('click', () => goTo(feature));
        results.appendChild(button);
      }
      goTo(found.features[0]);
    } catch (error) {
      results.appendChild(row('error', error.message));
    }
  });

  // ---- road panel: masts within N km and the uncovered stretches.
  async function loadRoads() {
    const select = document.getElementById('road-select');
    const roads = await getJSON('collections/roads/items?limit=10000&properties=id,ref,name');
    for (const road of roads.features) {
      const option = document.createElement('option');
      option.value = road.id;
      option.textContent = [road.properties.ref, road.properties.name].filter(Boolean).join(' ') || road.id;
      select.appendChild(option);
    }
  }
  document.getElementById('road-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const road = document.getElementById('road-select').value;
    const km = Number(document.getElementById('road-km').value);
    const technology = document.getElementById('road-technology').value;
    const summary = document.getElementById('road-summary');
    if (!road || !(km > 0)) { summary.textContent = 'choose a road and a distance'; return; }
    summary.textContent = 'loading…';
    try {
      const segment = encodeURIComponent(road);
      const [masts, gaps] = await Promise.all([
        getJSON('roads/' + segment + '/masts?within=' + km + 'km'),
        getJSON('roads/' + segment + '/gaps?technology=' + encodeURIComponent(technology) + '&' + analysisQuery()),
      ]);
      map.getSource('road-masts').setData(masts);
      map.getSource('road-gaps').setData(gaps);
      const gapKm = gaps.features.reduce((sum, f) => sum + (Number(f.properties.length_km) || 0), 0);
      summary.textContent = masts.features.length + ' masts within ' + km + ' km; ' + gaps.features.length
        + (gaps.features.length === 1 ? ' stretch' : ' stretches') + ' without ' + technology + ' as of ' + state.year + ' (' + state.scenario + ')'
        + (gapKm ? ', ' + gapKm.toFixed(1) + ' km' : '');
      const all = masts.features.concat(gaps.features).filter((f) => f.geometry);
      if (all.length) {
        const b = all.map((f) => bounds(f.geometry)).reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])]);
        map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 12 });
      }
      changed(['road-masts', 'road-gaps']);
    } catch (error) {
      summary.textContent = '';
      summary.appendChild(row('error', error.message));
    }
  });

  // ---- start: does the server serve tiles? (its conformance classes say)
  async function start() {
    try {
      const conformance = await getJSON('conformance');
      state.tiles = (conformance.conformsTo || []).some((c) => c.indexOf('/ogcapi-tiles-1/') >= 0);
      await new Promise((resolve) => map.loaded() ? resolve() : map.once('load', resolve));
      const stored = addStoredSources();
      addStoredLayers();
      addRoadLayers();
      let extent = null;
      if (state.tiles) {
        const tilejson = await getJSON('tiles/WebMercatorQuad?f=tilejson').catch(() => null);
        if (tilejson && Array.isArray(tilejson.bounds)) extent = tilejson.bounds;
      }
      if (!extent) {
        const districts = await getJSON('collections/districts/items?limit=10000&properties=id');
        if (districts.features.length) {
          extent = districts.features.map((f) => bounds(f.geometry))
            .reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])]);
        }
      }
      // Room for the panel on the left when the window is wide enough.
      const left = window.innerWidth > 800 ? document.getElementById('panel').getBoundingClientRect().right + 10 : 20;
      if (extent) map.fitBounds([[extent[0], extent[1]], [extent[2], extent[3]]], { padding: { top: 20, bottom: 20, right: 50, left }, animate: false });
      setAnalysisLayers(stored);
      await loadRoads();
      status(state.tiles ? '' : 'vector tiles unavailable: layers read as GeoJSON');
    } catch (error) {
      status('the map could not start: ' + error.message, true);
      console.error('qamtu map:', error);
    }
  }
  start();
})();
"""#
}
