// The field app's service worker (version {{ version }}): the app shell is cached on install
// and served from the cache first, so the app opens with no network. Data never goes through
// here: /sync/ (the gateway) and /api/ are left to the network, and PouchDB keeps the data.
'use strict';
const CACHE = 'field-shell-{{ version }}';
const SHELL = {{ urls|safe }};

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith('field-shell-') && key !== CACHE)
          .map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const shellPath = url.pathname === '/field' || url.pathname === '/field/index.html'
    ? '/field/' : url.pathname;
  if (!SHELL.includes(shellPath)) return; // data: the network (PouchDB handles offline)
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(shellPath).then(
      (hit) => hit || fetch(request).then((response) => {
        if (response.ok) cache.put(shellPath, response.clone());
        return response;
      }),
    )),
  );
});
