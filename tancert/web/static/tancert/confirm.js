/* Confirmation of irreversible steps (docs/web.md, "Confirmations").
 * A form holding <input data-confirm-box> asks before it is sent: the box (the no-script fallback, required)
 * is hidden and a <dialog> shows what will happen, read from the box's data- attributes. No inline script or
 * style (the CSP forbids both): the dialog is built here and styled by site.css. A submit button with
 * formnovalidate (e.g. "restore" beside "withdraw") is sent without asking. */
(function () {
  "use strict";
  if (window.tancertConfirm || typeof HTMLDialogElement !== "function") { return; }
  window.tancertConfirm = true;

  var dialog, title, text, final, ok, cancel, pending = null;

  function el(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function build() {
    dialog = el("dialog", "confirm-dialog", document.body);
    dialog.id = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    title = el("h2", "", dialog);
    title.id = "confirm-dialog-title";
    text = el("p", "confirm-dialog-text", dialog);
    final = el("p", "confirm-dialog-final", dialog);
    var row = el("p", "confirm-dialog-buttons", dialog);
    cancel = el("button", "secondary", row);
    cancel.type = "button";
    cancel.id = "confirm-dialog-cancel";
    ok = el("button", "danger", row);
    ok.type = "button";
    ok.id = "confirm-dialog-ok";
    cancel.addEventListener("click", function () { pending = null; dialog.close(); });
    dialog.addEventListener("cancel", function () { pending = null; });
    ok.addEventListener("click", function () {
      var p = pending;
      pending = null;
      dialog.close();
      if (!p) { return; }
      p.box.checked = true;
      p.form.dataset.confirmed = "1";
      if (p.form.requestSubmit) { p.form.requestSubmit(p.submitter || undefined); } else { p.form.submit(); }
    });
  }

  function arm(box) {
    var form = box.form;
    if (!form || form.dataset.confirmArmed) { return; }
    form.dataset.confirmArmed = "1";
    box.required = false;
    var label = box.closest("label");
    if (label) { label.hidden = true; }
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter || null;
      if (form.dataset.confirmed === "1" || (submitter && submitter.formNoValidate)) {
        delete form.dataset.confirmed;
        return;
      }
      event.preventDefault();
      if (!dialog) { build(); }
      var d = box.dataset;
      title.textContent = (submitter && submitter.dataset.confirmTitle) || d.confirmTitle;
      text.textContent = (submitter && submitter.dataset.confirmText) || d.confirmText;
      final.textContent = d.confirmFinal;
      ok.textContent = (submitter && submitter.textContent.trim()) || d.confirmOk;
      cancel.textContent = d.confirmCancel;
      pending = {form: form, box: box, submitter: submitter};
      dialog.showModal();
      cancel.focus();
    });
  }

  function armAll() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-confirm-box]"), arm);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", armAll); } else { armAll(); }
  document.addEventListener("htmx:load", armAll);
}());
