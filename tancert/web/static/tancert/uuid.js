/* The key of one offline entry (RFC 4122 version 4), for both queues: the outbox (outbox.js) and the checklist
 * queue (offline.js). The server applies each key once, so a resent entry duplicates nothing (docs/audits.md §5).
 * A file of its own, loaded (deferred) before outbox.js on every page, because the strict CSP allows no inline
 * script; offline.js calls it only when a form is submitted, after every deferred script has run.
 */
(function () {
  "use strict";
  window.tancertUuid4 = function () {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }  // only in secure contexts
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  };
})();
