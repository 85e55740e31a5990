/* Working without a network (docs/audits.md §5), on every page.
 *
 * 1. Caches: a person's downloaded pages live in the cache "tancert-u<id>". Every page deletes the caches of
 *    anyone else (a page of a client or a visitor deletes them all), and log-out deletes them before it is sent:
 *    a device never shows one person's papers to the next.
 * 2. The service worker (/sw.js) is registered for staff; "download today's audits" on the home page puts the
 *    pages of the audits the person is on today, and the site's scripts and styles, into the person's cache.
 * 3. The outbox: a form marked data-outbox (evidence photos, findings with a photo, check-ins, sample checks, the
 *    stage 1 record) that is submitted without a network is kept in IndexedDB with a key from uuid.js (the form's
 *    "uuid" field) and the device's time ("made_at"). When the network returns the entries are posted, in the
 *    order they were made, to the same address as the form, with the X-Tancert-Outbox header: the server runs
 *    the same action and answers saved / conflict / error / login (ui/outbox.py). The key makes a replay
 *    harmless: the server applies each key once (audits/offline/receipts.py). An entry leaves the outbox only
 *    when the server has answered for it; a refused one is kept, with the server's message, until the person
 *    has read it.
 * Checklist answers and notes have their own queue (offline.js); the status line counts both.
 */
(function () {
  "use strict";
  var body = document.body;
  var user = body.dataset.user || "";
  var bar = document.getElementById("net-status");
  var PREFIX = "tancert-u";
  var mine = PREFIX + user;

  var uuid4 = window.tancertUuid4;  // uuid.js
  function token() {
    var t = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return t ? t.value : "";
  }

  /* 1. Caches of other people. */
  function dropCaches(keep) {
    if (!("caches" in window)) { return Promise.resolve(); }
    return caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("tancert-") === 0 && k !== keep; })
        .map(function (k) { return caches.delete(k); }));
    });
  }
  dropCaches(user ? mine : null);
  if (!user && "serviceWorker" in navigator) {  // logged out: no worker answers for anyone's pages any more
    navigator.serviceWorker.getRegistrations().then(function (rs) { rs.forEach(function (r) { r.unregister(); }); })
      .catch(function () {});
  }
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.dataset.cleared) { return; }
      ev.preventDefault();
      dropCaches(null).then(function () { form.dataset.cleared = "1"; form.submit(); },
                            function () { form.dataset.cleared = "1"; form.submit(); });
    });
  });
  if (!user) { return; }

  /* 2. The service worker: registered once the person has downloaded pages (and kept registered on every staff
        page while the download exists), so a person who never works offline has no worker between them and the
        site. */
  function register() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(null); }
    return navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).catch(function () { return null; });
  }
  var worker = ("caches" in window ? caches.has(mine) : Promise.resolve(false)).then(function (has) {
    return has ? register() : null;
  });

  /* 3. The outbox in IndexedDB: "entries" waiting to be sent, "problems" the server refused. */
  var dbp = null;
  function db() {
    if (dbp) { return dbp; }
    dbp = new Promise(function (resolve, reject) {
      var req = indexedDB.open("tancert-outbox", 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("entries", {keyPath: "uuid"});
        req.result.createObjectStore("problems", {keyPath: "uuid"});
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbp;
  }
  function tx(store, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode), s = t.objectStore(store), out = work(s);
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : undefined); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all(store) {
    return tx(store, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (r) { return r.user === user; })
        .sort(function (a, b) { return a.made < b.made ? -1 : a.made > b.made ? 1 : 0; });
    });
  }
  function put(store, row) { return tx(store, "readwrite", function (s) { s.put(row); }); }
  function del(store, key) { return tx(store, "readwrite", function (s) { s.delete(key); }); }

  function checklistQueued() {
    var n = 0;
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf("tancert.queue.audit.") === 0) {
        try { n += JSON.parse(localStorage.getItem(k) || "[]").length; } catch (e) { /* unreadable: not counted */ }
      }
    }
    return n;
  }

  var synced = 0, state = {outbox: null, problems: null};
  function refresh() {
    return Promise.all([all("entries"), all("problems")]).then(function (r) {
      state.outbox = r[0].length;
      state.problems = r[1].length;
      if (!bar) { return; }
      var waiting = r[0].length + checklistQueued(), problems = r[1], d = bar.dataset, text;
      if (!navigator.onLine) {
        text = d.msgOffline + (waiting ? " · " + d.msgWaiting.replace("{n}", waiting) : "");
      } else if (waiting) {
        text = d.msgWaiting.replace("{n}", waiting);
      } else {
        text = synced ? d.msgSynced.replace("{n}", synced) : d.msgSaved;
      }
      bar.querySelector("[data-role=text]").textContent = text;
      bar.className = "net-status " + (!navigator.onLine ? "offline" : waiting ? "waiting" : "synced");
      bar.dataset.waiting = waiting;
      var list = bar.querySelector("[data-role=problems]");
      list.textContent = "";
      problems.forEach(function (p) {
        var li = document.createElement("li");
        li.className = "error";
        li.dataset.uuid = p.uuid;
        li.textContent = d.msgNotSaved + "（" + p.label + "，" + p.made.slice(0, 16).replace("T", " ") + "）：" + p.message + " ";
        var ok = document.createElement("button");
        ok.type = "button"; ok.className = "link"; ok.textContent = d.msgDismiss;
        ok.addEventListener("click", function () { del("problems", p.uuid).then(refresh); });
        li.appendChild(ok);
        list.appendChild(li);
      });
    });
  }

  function sendOne(e) {
    var fd = new FormData();
    e.fields.forEach(function (f) { fd.append(f[0], f[0] === "csrfmiddlewaretoken" ? token() : f[1]); });
    e.files.forEach(function (f) { fd.append(f[0], f[1], f[2]); });
    return fetch(e.url, {method: "POST", body: fd, credentials: "same-origin",
                         headers: {"X-Tancert-Outbox": "1", "X-CSRFToken": token()}})
      .then(function (resp) {
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        return resp.json();
      })
      .then(function (res) {
        if (res.status === "saved") { synced += 1; return del("entries", e.uuid); }
        if (res.status === "login") { throw new Error("login"); }
        // Refused or in conflict: trying again would not help; the person reads why and makes it anew.
        return put("problems", {uuid: e.uuid, user: user, label: e.label, made: e.made, message: res.message || ""})
          .then(function () { return del("entries", e.uuid); });
      });
  }

  var flushing = null;
  function flush() {
    if (flushing) { return flushing; }
    if (!navigator.onLine) { return refresh(); }
    flushing = all("entries").then(function (entries) {
      return entries.reduce(function (p, e) { return p.then(function () { return sendOne(e); }); },
                            Promise.resolve());
    }).catch(function () { /* no network or the session ended: the entries stay */ })
      .then(function () { flushing = null; return refresh(); });
    return flushing;
  }

  document.querySelectorAll("form[data-outbox]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) { return; }  // offline.js took it (checklist answers and notes)
      var key = form.querySelector('input[name="uuid"]');
      if (key && !key.value) { key.value = uuid4(); }
      var made = new Date().toISOString();
      var at = form.querySelector('input[name="made_at"]');
      if (navigator.onLine) { if (at) { at.value = ""; } return; }  // sent as usual; the key makes a resend harmless
      if (at) { at.value = made; }
      ev.preventDefault();
      var fields = [], files = [];
      new FormData(form).forEach(function (v, k) {
        if (v instanceof File) { if (v.name || v.size) { files.push([k, v, v.name]); } } else { fields.push([k, v]); }
      });
      var entry = {uuid: key ? key.value : uuid4(), user: user, url: form.action, label: form.dataset.outboxLabel || "",
                   made: made, fields: fields, files: files};
      put("entries", entry).then(function () {
        if (key) { key.value = ""; }  // the next submit is a new entry
        var version = form.querySelector('input[name="version"]');
        if (version) {
          version.value = +version.value + 1;  // the next save from this page builds on this one
        } else {
          form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
        }
        var note = document.createElement("p");
        note.className = "pending";
        note.textContent = bar ? bar.dataset.msgKept : "";
        form.appendChild(note);
        return refresh();
      });
    });
  });

  /* "Download today's audits for offline use" (home page). */
  var download = document.getElementById("offline-download");
  function downloadToday() {
    var out = document.getElementById("offline-download-status");
    return fetch(download.dataset.manifest, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (m) {
      if (String(m.user) !== user) { throw new Error("user"); }
      return caches.open(mine).then(function (cache) {
        var urls = m.pages.concat(m.assets), done = 0;
        // One after another: a phone on a weak connection, and a server that builds a checklist on first open.
        return urls.reduce(function (p, u) {
          return p.then(function () {
            return fetch(u, {credentials: "same-origin"}).then(function (resp) {
              if (resp.ok && !resp.redirected) { done += 1; return cache.put(u, resp); }
            }).catch(function () { /* one page missing does not stop the others */ });
          });
        }, Promise.resolve()).then(function () {
          out.textContent = download.dataset.msgDone.replace("{n}", m.audits.length).replace("{p}", done);
          out.className = "muted";
          download.dataset.done = String(done);
        });
      });
    }).catch(function () { out.textContent = download.dataset.msgFailed; out.className = "error"; });
  }
  if (download) {
    download.addEventListener("click", function () { worker = register(); worker.then(downloadToday); });
  }

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", refresh);
  window.addEventListener("storage", refresh);
  window.tancertOutbox = {flush: flush, state: state, entries: function () { return all("entries"); },
                          problems: function () { return all("problems"); }, download: downloadToday,
                          ready: function () { return worker; }};
  flush();
  setInterval(refresh, 3000);  // the checklist queue (offline.js) changes without an event on this page
})();
