// The UI kit's behaviour, driven by data attributes (no inline scripts: Content-Security-Policy).
//
// * data-confirm="Title" (+ data-confirm-body, data-confirm-button) on a submit button or a link: ask in
//   the one dialog (web/confirm.html) before the form is sent or the link followed.
// * Tabs (Bootstrap's data-bs-toggle="tab"): the open tab is kept in the address (#tab-…), so a link
//   or a reload opens the same tab.
// * data-bulk on a table: a "select all" box (data-bulk-all), row boxes (data-bulk-item) and buttons
//   (data-bulk-action) enabled only while rows are selected; [data-bulk-count] shows how many.
(function () {
  "use strict";

  function confirmDialog() {
    var element = document.getElementById("confirm-dialog");
    return element && window.bootstrap ? { element: element, modal: bootstrap.Modal.getOrCreateInstance(element) } : null;
  }

  function needsConfirm(trigger) {
    return !!trigger && trigger.hasAttribute("data-confirm");
  }

  function ask(trigger, proceed) {
    var dialog = confirmDialog();
    if (!dialog) { proceed(); return; }
    var slots = dialog.element.querySelectorAll("[data-confirm-slot]");
    slots.forEach(function (slot) {
      var name = slot.getAttribute("data-confirm-slot");
      var value = name === "title" ? trigger.getAttribute("data-confirm") : trigger.getAttribute("data-confirm-" + name);
      if (value) { slot.textContent = value; }
    });
    var accept = dialog.element.querySelector("[data-confirm-accept]");
    var onAccept = function () {
      accept.removeEventListener("click", onAccept);
      dialog.modal.hide();
      proceed();
    };
    dialog.element.addEventListener("hidden.bs.modal", function () {
      accept.removeEventListener("click", onAccept);
    }, { once: true });
    accept.addEventListener("click", onAccept);
    dialog.modal.show();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var trigger = event.submitter || form.querySelector("[data-confirm]");
    if (form.dataset.confirmed === "1" || !needsConfirm(trigger)) { return; }
    event.preventDefault();
    ask(trigger, function () {
      form.dataset.confirmed = "1";
      if (typeof form.requestSubmit === "function") { form.requestSubmit(event.submitter || undefined); } else { form.submit(); }
    });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (!link) { return; }
    event.preventDefault();
    ask(link, function () { window.location.assign(link.href); });
  });

  function showTabFromHash() {
    if (!window.bootstrap || !location.hash) { return; }
    var tab = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + CSS.escape(location.hash) + '"]');
    if (tab) { bootstrap.Tab.getOrCreateInstance(tab).show(); }
  }

  document.addEventListener("shown.bs.tab", function (event) {
    var target = event.target.getAttribute("data-bs-target");
    if (target && history.replaceState) { history.replaceState(null, "", target); }
  });

  function bulk(table) {
    var all = table.querySelector("[data-bulk-all]");
    var items = table.querySelectorAll("[data-bulk-item]");
    var scope = table.closest("[data-bulk-scope]") || document;
    function update() {
      var chosen = 0;
      items.forEach(function (item) { if (item.checked) { chosen += 1; } });
      scope.querySelectorAll("[data-bulk-action]").forEach(function (button) { button.disabled = chosen === 0; });
      scope.querySelectorAll("[data-bulk-count]").forEach(function (count) { count.textContent = String(chosen); });
      if (all) {
        all.checked = chosen > 0 && chosen === items.length;
        all.indeterminate = chosen > 0 && chosen < items.length;
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        items.forEach(function (item) { item.checked = all.checked; });
        update();
      });
    }
    items.forEach(function (item) { item.addEventListener("change", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    showTabFromHash();
    document.querySelectorAll("[data-bulk]").forEach(bulk);
  });
  window.addEventListener("hashchange", showTabFromHash);
})();
