/// The web map's HTML page (`/map`): MapLibre GL JS and the page's script from this server only,
/// a full-window map, and a panel with the year slider, the scenario switch, the legend, the name
/// search and the road panel. The script is ``MapScript``.
enum MapPage {
    /// The page, UTF-8.
    static let html = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Qamtu map</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="map/maplibre-gl.css">
<style>
html, body { margin: 0; height: 100%; font: 13px/1.35 system-ui, sans-serif; color: #222; }
#map { position: absolute; inset: 0; }
#panel { position: absolute; top: 10px; left: 10px; width: 280px; max-height: calc(100% - 40px); overflow: auto;
  background: rgba(255,255,255,0.94); border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); padding: 10px 12px; z-index: 2; }
#panel h1 { font-size: 16px; margin: 0 0 6px; }
#panel h2 { font-size: 13px; margin: 10px 0 4px; border-top: 1px solid #ddd; padding-top: 8px; }
#panel label { display: inline-block; margin-right: 8px; }
#year { width: 100%; }
.legend span.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 8px; vertical-align: -1px; }
.legend span.dot:first-child { margin-left: 0; }
#search-results button, #road-summary button { display: block; width: 100%; text-align: left; margin: 2px 0; background: #f6f6f6;
  border: 1px solid #ddd; border-radius: 3px; padding: 3px 5px; cursor: pointer; font: inherit; }
#search-results button:hover { background: #e8f0fe; }
input[type=text], input[type=number], select { font: inherit; box-sizing: border-box; }
#search-text { width: 100%; }
#road-select { width: 100%; margin-bottom: 4px; }
#road-km { width: 60px; }
.muted { color: #666; }
.error { color: #b00; }
.maplibregl-popup-content { font: 12px/1.35 system-ui, sans-serif; max-width: 320px; }
.maplibregl-popup-content .name { font-weight: bold; font-size: 13px; }
.maplibregl-popup-content .reason { margin-top: 4px; }
</style>
</head>
<body data-idle="false">
<div id="map" role="region" aria-label="Map"></div>
<div id="panel">
  <h1>Qamtu coverage map</h1>
  <div>Year <b id="year-value"></b></div>
  <input id="year" type="range" min="2024" max="2030" step="1" aria-label="Year">
  <div>
    <label><input type="radio" name="scenario" value="actual" checked> actual</label>
    <label><input type="radio" name="scenario" value="planned"> planned</label>
  </div>
  <div class="legend">
    <span class="dot" style="background:#1a9850"></span>served
    <span class="dot" style="background:#fdae61"></span>underserved
    <span class="dot" style="background:#d73027"></span>unserved
  </div>
  <div class="muted" id="counts"></div>
  <h2>Find a place</h2>
  <form id="search-form">
    <input id="search-text" type="text" placeholder="Name in any script: Тараз, Шакпак ата, Qorday" aria-label="Place name">
    <select id="search-layer" aria-label="Layer to search">
      <option value="settlements">settlements</option>
      <option value="districts">districts</option>
      <option value="roads">roads</option>
      <option value="sites">sites</option>
    </select>
    <button type="submit">Find</button>
  </form>
  <div id="search-results"></div>
  <h2>Road</h2>
  <form id="road-form">
    <select id="road-select" aria-label="Road"></select>
    masts within <input id="road-km" type="number" min="0.1" max="100" step="0.1" value="5" aria-label="Kilometres"> km,
    gaps of <select id="road-technology" aria-label="Technology"><option>4G</option><option>3G</option><option>2G</option><option>5G</option></select>
    <button type="submit">Show</button>
  </form>
  <div id="road-summary" class="muted"></div>
  <div class="muted" id="status"></div>
</div>
<script src="map/maplibre-gl.js"></script>
<script src="map/map.js"></script>
</body>
</html>
"""#
}
