/* Keyboard and screen-reader help for every page (no inline script: CSP).

   A form that comes back with errors (a page answered 422, or an htmx swap of a 422)
   puts the focus on its first invalid field: the field's label, its invalid state and
   its error message (aria-describedby, set by Django) are read out, and a keyboard user
   is where the correction is needed. After any other htmx swap that removed the focused
   control, the focus goes to the new content instead of the page top. */
(function () {
  "use strict";

  function firstInvalid(root) {
    var fields = (root || document).querySelectorAll('[aria-invalid="true"]');
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].getClientRects().length) return fields[i];
    }
    return null;
  }

  function focusInvalid(root) {
    var field = firstInvalid(root) || firstInvalid(document);
    if (field) field.focus();
    return Boolean(field);
  }

  function focusLost() {
    return !document.activeElement || document.activeElement === document.body;
  }

  // A refused form may still carry the autofocus of its first field (Django's password
  // forms do); the browser applies it before or after this handler, depending on timing.
  // Focusing first makes the browser skip autofocus; moving off an autofocused field
  // covers the other order.
  document.addEventListener("DOMContentLoaded", function () {
    var active = document.activeElement;
    if (focusLost() || (active && active.hasAttribute("autofocus"))) focusInvalid(document);
  });

  // The control that had the focus when a request left: if the swap removes it, the focus
  // is lost. Polls and panels loading by themselves (nothing focused) never move the focus.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && !focusLost()) xhr.roadmapFocused = document.activeElement;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var focused = detail.xhr && detail.xhr.roadmapFocused;
    if (!focused || focused.isConnected || !focusLost()) return;
    var target = detail.target;
    // An outerHTML swap replaced the target: find its successor by id.
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target || !target.isConnected) return;
    if (detail.xhr.status === 422 && focusInvalid(target)) return;
    if (target === document.body) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  });
})();
