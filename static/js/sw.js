// The offline programme: a service worker served at /sw.js (scope: the whole site).
//
// Public programme pages (programme, session, speakers, theme and event pages) are fetched
// from the network first; each good copy is kept, and served when the network fails, marked
// with the time it was fetched (offline.js shows "last updated"). Static files are kept too.
// Nothing answered `no-store` is ever kept: a participant's private page (/r/…) and an
// organiser's preview of a draft stay off the device. When a participant's private page asks
// (message "keep"), the public list of their chosen sessions (/events/<slug>/agenda/?sessions=…)
// and those sessions' public pages are kept instead.
const PAGES = "pages-v1";
const STATIC = "static-v1";
const PUBLIC_PAGE =
  /^\/(events\/[^/]+\/(programme\/|sessions\/\d+\/|speakers\/|themes\/[^/]+\/|agenda\/)?)?$/;
const FETCHED_AT = "X-Offline-Fetched-At";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function keep(request, response) {
  const cacheControl = response.headers.get("Cache-Control") || "";
  if (response.status !== 200 || cacheControl.includes("no-store")) {
    return;
  }
  const headers = new Headers(response.headers);
  headers.set(FETCHED_AT, new Date().toISOString());
  const copy = new Response(await response.clone().blob(), { status: 200, headers });
  const cache = await caches.open(PAGES);
  await cache.put(request.url, copy);
}

async function fromCache(url) {
  const cached = await (await caches.open(PAGES)).match(url);
  if (!cached) {
    return Response.error();
  }
  const fetchedAt = cached.headers.get(FETCHED_AT) || "";
  const html = (await cached.text()).replace("<html ", `<html data-offline-since="${fetchedAt}" `);
  return new Response(html, { status: 200, headers: cached.headers });
}

async function page(request) {
  try {
    const response = await fetch(request);
    await keep(request, response);
    return response;
  } catch (error) {
    return fromCache(request.url);
  }
}

async function staticFile(request) {
  const cache = await caches.open(STATIC);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    return (await cache.match(request)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && PUBLIC_PAGE.test(url.pathname)) {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/themes.css") {
    event.respondWith(staticFile(request));
  }
});

// A participant's private page names the public pages of the sessions on their agenda.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "keep" && Array.isArray(event.data.urls)) {
    const urls = event.data.urls.filter((path) => PUBLIC_PAGE.test(new URL(path, self.location).pathname));
    event.waitUntil(
      Promise.all(
        urls.map(async (path) => {
          const request = new Request(new URL(path, self.location).href);
          await keep(request, await fetch(request));
        }),
      ),
    );
  }
});
