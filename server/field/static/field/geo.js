// Datum conversion (GCJ-02 / BD-09 to WGS-84), the same formulas as media/geo.py, and the
// site map's projection: a local plane in metres around the site, drawn in SVG.
const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.00669342162296594323;
const BD_FACTOR = (Math.PI * 3000.0) / 180.0;

function inChina(lon, lat) {
  return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

export function wgs84ToGcj02(lon, lat) {
  if (!inChina(lon, lat)) return [lon, lat];
  const x = lon - 105.0;
  const y = lat - 35.0;
  const ripple = ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2) / 3;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ripple;
  dLat += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2) / 3;
  dLat += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2) / 3;
  let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ripple;
  dLon += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2) / 3;
  dLon += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2) / 3;
  const phi = (lat * Math.PI) / 180;
  const w = 1.0 - KRASOVSKY_EE * Math.sin(phi) ** 2;
  const meridian = (KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (w * Math.sqrt(w));
  const parallel = (KRASOVSKY_A / Math.sqrt(w)) * Math.cos(phi);
  return [lon + (dLon * 180.0) / (parallel * Math.PI), lat + (dLat * 180.0) / (meridian * Math.PI)];
}

function gcj02ToBd09(lon, lat) {
  const z = Math.hypot(lon, lat) + 0.00002 * Math.sin(lat * BD_FACTOR);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * BD_FACTOR);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

function invert(forward, lon, lat) {
  let [gLon, gLat] = [lon, lat];
  for (let i = 0; i < 30; i += 1) {
    const [iLon, iLat] = forward(gLon, gLat);
    const [eLon, eLat] = [iLon - lon, iLat - lat];
    if (Math.abs(eLon) < 1e-9 && Math.abs(eLat) < 1e-9) break;
    gLon -= eLon;
    gLat -= eLat;
  }
  return [gLon, gLat];
}

export function toWgs84(lon, lat, datum) {
  if (datum === 'GCJ02') return invert(wgs84ToGcj02, lon, lat);
  if (datum === 'BD09') return invert(wgs84ToGcj02, ...invert(gcj02ToBd09, lon, lat));
  return [lon, lat];
}

// A boundary is a list of polygons, each a list of rings of [lon, lat].
export function boundaryToWgs84(boundary, datum) {
  return (boundary || []).map((polygon) => polygon.map((ring) => ring.map(([lon, lat]) => toWgs84(lon, lat, datum))));
}

// Metres east/north of (lon0, lat0): an equirectangular plane, good to centimetres over a site.
export function toPlane(lon0, lat0, lon, lat) {
  const R = 6371008.8;
  const x = ((lon - lon0) * Math.PI) / 180 * R * Math.cos((lat0 * Math.PI) / 180);
  const y = ((lat - lat0) * Math.PI) / 180 * R;
  return [x, y];
}

function inside(point, ring) {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function segmentDistance(p, a, b) {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len = dx * dx + dy * dy;
  const s = len ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len)) : 0;
  return Math.hypot(p[0] - a[0] - s * dx, p[1] - a[1] - s * dy);
}

// Metres from the boundary: negative inside, positive outside (in WGS-84 plane metres).
export function signedDistance(lon, lat, wgsBoundary) {
  const rings = wgsBoundary.flat();
  if (!rings.length) return null;
  const [lon0, lat0] = rings[0][0];
  const p = toPlane(lon0, lat0, lon, lat);
  let nearest = Infinity;
  let within = false;
  for (const polygon of wgsBoundary) {
    const planes = polygon.map((ring) => ring.map(([x, y]) => toPlane(lon0, lat0, x, y)));
    if (inside(p, planes[0]) && !planes.slice(1).some((hole) => inside(p, hole))) within = true;
    for (const ring of planes) {
      for (let i = 0; i + 1 < ring.length; i += 1) nearest = Math.min(nearest, segmentDistance(p, ring[i], ring[i + 1]));
    }
  }
  return within ? -nearest : nearest;
}

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

// The site map: the boundary (WGS-84) and, when known, the tablet's position and accuracy.
export function siteMap(wgsBoundary, position) {
  const rings = wgsBoundary.flat();
  const svg = el('svg', { class: 'sitemap field-map', viewBox: '0 0 400 300', role: 'img' });
  if (!rings.length) return svg;
  const [lon0, lat0] = rings[0][0];
  const planes = wgsBoundary.map((polygon) => polygon.map((ring) => ring.map(([x, y]) => toPlane(lon0, lat0, x, y))));
  const points = planes.flat(2);
  let here = null;
  if (position) {
    here = toPlane(lon0, lat0, position.lon, position.lat);
    points.push([here[0] - position.accuracy_m, here[1] - position.accuracy_m]);
    points.push([here[0] + position.accuracy_m, here[1] + position.accuracy_m]);
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min(360 / Math.max(maxX - minX, 1), 260 / Math.max(maxY - minY, 1));
  const sx = (x) => 20 + (x - minX) * scale + (360 - (maxX - minX) * scale) / 2;
  const sy = (y) => 280 - (y - minY) * scale - (260 - (maxY - minY) * scale) / 2;
  for (const polygon of planes) {
    const d = polygon.map((ring) => `M${ring.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('L')}Z`).join('');
    svg.append(el('path', { d, class: 'boundary', 'fill-rule': 'evenodd', 'data-testid': 'boundary' }));
  }
  if (here) {
    svg.append(el('circle', { cx: sx(here[0]), cy: sy(here[1]), r: Math.max(position.accuracy_m * scale, 3), class: 'accuracy', 'data-testid': 'accuracy' }));
    svg.append(el('circle', { cx: sx(here[0]), cy: sy(here[1]), r: 5, class: 'here', 'data-testid': 'here' }));
  }
  return svg;
}
