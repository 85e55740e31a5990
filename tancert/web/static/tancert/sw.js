/* The service worker (docs/audits.md §5): today's audits open without a network.
 *
 * The pages an auditor downloads on the home page ("download today's audits for offline use", outbox.js) live in
 * one cache per person, "tancert-u<id>"; outbox.js deletes every other person's cache on each page and all of
 * them at log-out, so this worker never answers with another person's page. It answers only GET requests of this
 * site, and only for pages that were downloaded: with a network it asks the server first (network-first) and
 * refreshes the downloaded copy; without one it answers from the cache (cache-first), and a page that was not
 * downloaded gets the downloaded "offline" page. Forms are never sent from here: entries made offline wait in
 * the page's outbox (IndexedDB) and go through the ordinary forms when the network returns.
 */
"use strict";

var PREFIX = "tancert-u";
var OFFLINE_PAGE = "/offline/";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function personalCache() {
  return caches.keys().then(function (keys) {
    var mine = keys.filter(function (k) { return k.indexOf(PREFIX) === 0; });
    // More than one person's cache means a log-out that did not finish: answer from none of them.
    return mine.length === 1 ? caches.open(mine[0]) : null;
  });
}

function fromCache(cache, request) {
  return cache.match(request, {ignoreVary: true}).then(function (hit) {
    if (hit) { return hit; }
    if (request.mode === "navigate") {
      return cache.match(OFFLINE_PAGE).then(function (page) {
        return page || new Response("", {status: 503, statusText: "Offline"});
      });
    }
    return new Response("", {status: 503, statusText: "Offline"});
  });
}

function answer(request) {
  return personalCache().then(function (cache) {
    if (!cache) { return fetch(request); }
    if (self.navigator && self.navigator.onLine === false) { return fromCache(cache, request); }
    return fetch(request).then(function (response) {
      // Refresh a downloaded page with what the server just said; a redirect (an ended session) is never kept.
      if (response.ok && !response.redirected && response.type === "basic") {
        var copy = response.clone();
        cache.match(request, {ignoreVary: true}).then(function (hit) { if (hit) { cache.put(request, copy); } });
      }
      return response;
    }, function () { return fromCache(cache, request); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname === "/sw.js" || url.pathname.indexOf("/api/") === 0 || url.pathname.indexOf("/accounts/") === 0
      || url.pathname.indexOf("/audits/offline/") === 0) { return; }
  event.respondWith(answer(request));
});
