/* Passkeys as the second factor (docs/security.md, Passkeys): register one, or sign in with one.
 *
 * Our own script instead of django-otp-webauthn's, which reads its settings from an inline JSON block and
 * its texts from a JavaScript catalogue: here every setting and text is a data- attribute of the button, so
 * the page runs under the Content-Security-Policy without inline script and loads nothing from elsewhere.
 *
 *   <button data-passkey="register|verify" data-begin=URL data-complete=URL data-csrf=TOKEN
 *           data-next=URL (go there after success) | data-submit=FORM-ID (submit that form after success)
 *           data-status=ELEMENT-ID data-msg-busy data-msg-failed data-msg-unsupported>
 */
(function () {
  "use strict";

  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var e = new Error(data.detail || ""); e.server = true; throw e; }
        return data;
      });
    });
  }
  function creationOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.user.id = toBytes(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return {publicKey: o};
  }
  function requestOptions(o) {
    o.challenge = toBytes(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return {publicKey: o};
  }
  function registration(cred) {
    var r = cred.response;
    return {
      id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || null,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: {
        clientDataJSON: toB64url(r.clientDataJSON), attestationObject: toB64url(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : []
      }
    };
  }
  function assertion(cred) {
    var r = cred.response;
    return {
      id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || null,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: {
        clientDataJSON: toB64url(r.clientDataJSON), authenticatorData: toB64url(r.authenticatorData),
        signature: toB64url(r.signature), userHandle: r.userHandle ? toB64url(r.userHandle) : null
      }
    };
  }

  function run(button) {
    var d = button.dataset;
    var status = document.getElementById(d.status);
    function show(text, cls) { if (status) { status.textContent = text; status.className = cls || "muted"; } }
    if (!window.PublicKeyCredential || !navigator.credentials) { show(d.msgUnsupported, "error"); return; }
    var register = d.passkey === "register";
    var nameField = d.name ? document.getElementById(d.name) : null;
    button.disabled = true;
    show(d.msgBusy, "muted");
    post(d.begin, d.csrf).then(function (options) {
      return register ? navigator.credentials.create(creationOptions(options))
                      : navigator.credentials.get(requestOptions(options));
    }).then(function (cred) {
      var body = register ? registration(cred) : assertion(cred);
      if (nameField) { body.name = nameField.value; }
      return post(d.complete, d.csrf, body);
    }).then(function () {
      show(d.msgDone || "", "muted");
      if (d.submit) { document.getElementById(d.submit).submit(); } else { window.location.assign(d.next || "/"); }
    }).catch(function (e) {
      button.disabled = false;
      // The browser's own errors (cancelled, timed out) are in English: show ours; the server's are translated.
      show(e && e.server && e.message ? e.message : d.msgFailed, "error");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-passkey]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (ev) { ev.preventDefault(); run(ev.currentTarget); });
    }
  });
})();
