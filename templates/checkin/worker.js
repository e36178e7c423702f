/* The check-in page's service worker: keeps the last copy of the page and of the files it
   loads, so that the page opens again without a connection (a phone reloads a tab it put to
   sleep). Network first, the copy only when the network fails; the JSON endpoints (scans,
   keys, search) are never kept: the page keeps what it needs, with no personal data. */
"use strict";

const CACHE = "check-in-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The page names what it loaded before this worker ran: its own address and its files.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(urls.map((url) => fetch(url).then((r) => (r.ok && !r.redirected ? cache.put(url, r) : null)))),
    ),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const page = request.mode === "navigate" && url.pathname === new URL(self.registration.scope).pathname;
  const file = url.origin === self.location.origin && url.pathname.startsWith("/static/");
  if (request.method !== "GET" || !(page || file)) {
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      // Django varies its pages on Cookie and Accept-Language: the copy is this staff member's.
      .catch(() => caches.match(request, { ignoreVary: true }).then((kept) => kept || Response.error())),
  );
});
