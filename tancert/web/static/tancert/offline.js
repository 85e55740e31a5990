/* Checklist entries survive a dropped connection (docs/audits.md §5).
 *
 * Answers and text evidence (notes, interviews) are never posted directly: each gets a UUID (uuid.js) and
 * goes into a queue in localStorage first, then the queue is sent to the sync endpoint. The server stores
 * each UUID once, so sending the same queue twice (a reply lost on the way back) duplicates nothing. An
 * entry leaves the queue only when the server has answered for it. Files (photos, documents) need the
 * connection and are posted as ordinary forms.
 */
(function () {
  "use strict";
  var status = document.getElementById("sync-status");
  if (!status) { return; }
  var key = "tancert.queue.audit." + status.dataset.audit;
  var sending = false;

  function load() { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function store(q) { localStorage.setItem(key, JSON.stringify(q)); }
  function show(text, cls) { status.textContent = text; status.className = cls || "muted"; }
  function showQueue() {
    var n = load().length;
    if (n) { show(status.dataset.msgWaiting.replace("{n}", n), "error"); }
    else { show(status.dataset.msgSaved, "muted"); }
  }
  function card(code) { return document.querySelector('[data-item-code="' + CSS.escape(code) + '"]'); }

  function applyResult(r) {
    var c = card(r.item || "");
    if (!c) { return; }
    if (r.version !== null && r.version !== undefined) {
      var v = c.querySelector('[data-role="version"]');
      // Only move forward: entries still queued for this item already count on the higher version.
      if (v && +v.value < r.version) { v.value = r.version; }
    }
    if (r.status !== "saved") {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = status.dataset.msgConflict + ": " + r.message + (r.rule ? " [" + r.rule + "]" : "");
      c.appendChild(p);
    }
  }

  function flush() {
    var queue = load();
    // The browser knows it has no network: the queue waits for its "online" event (below) rather than sending a
    // request bound to fail — as outbox.js does. A test's emulated offline let such a request through now and then.
    if (sending || !queue.length || navigator.onLine === false) { showQueue(); return Promise.resolve(); }
    sending = true;
    return fetch(status.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": status.dataset.csrf},
      body: JSON.stringify({entries: queue})
    }).then(function (resp) {
      if (!resp.ok) { throw new Error("HTTP " + resp.status); }
      return resp.json();
    }).then(function (results) {
      var done = {};
      results.forEach(function (r) { done[r.uuid] = true; applyResult(r); });
      store(load().filter(function (e) { return !done[e.uuid]; }));
      return true;
    }).catch(function () { return false; /* offline or server unreachable: keep the queue */ })
      .then(function (progressed) {
        sending = false;
        showQueue();
        // Entries queued while this request was on its way are sent in the next round straight away.
        if (progressed && load().length) { return flush(); }
      });
  }

  function enqueue(entry) {
    var q = load();
    q.push(entry);
    store(q);
    showQueue();
    return flush();
  }

  document.querySelectorAll("form[data-offline]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var kind = form.dataset.offline, fd = new FormData(form);
      var file = form.querySelector('input[type="file"]');
      if (kind === "evidence" && file && file.files.length) { return; } // files go as a normal upload
      ev.preventDefault();
      var entry = {uuid: window.tancertUuid4(), type: kind, item: form.dataset.item};
      if (kind === "answer") {
        var v = form.querySelector('[data-role="version"]');
        entry.conformity = fd.get("conformity"); entry.reason = fd.get("reason") || "";
        entry.version = +v.value;
        v.value = +v.value + 1; // the next answer from this page builds on this one
        var badge = form.parentNode.querySelector('[data-role="conformity"]');
        var sel = form.querySelector("select");
        if (badge && sel) { badge.textContent = sel.options[sel.selectedIndex].text; }
      } else {
        entry.kind = fd.get("kind"); entry.text = fd.get("text") || ""; entry.person = fd.get("person") || "";
        entry.observed_at = new Date().toISOString();
        var list = form.parentNode.querySelector('[data-role="evidence"]');
        if (list) { var li = document.createElement("li"); li.textContent = entry.text; li.className = "pending"; list.appendChild(li); }
        form.reset();
      }
      enqueue(entry);
    });
  });
  window.addEventListener("online", flush);
  // Expose for tests and for a manual retry button.
  window.tancertSync = {flush: flush, queue: load};
  flush();
})();
