// The picker beside every date typed as text (inputs marked data-datepicker): a button opens the
// browser's own calendar; the chosen day is written back as dd/mm/yyyy. Typing stays the main way in.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec((text || "").trim());
    return m ? m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]) : "";
  }
  function attach(input) {
    if (input.dataset.datepickerReady) { return; }
    input.dataset.datepickerReady = "1";
    var native = document.createElement("input");
    native.type = "date";
    native.tabIndex = -1;
    native.className = "datepicker-native";
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "datepicker-button";
    button.setAttribute("aria-label", input.dataset.datepickerLabel || "Chọn ngày");
    button.textContent = "📅";
    button.addEventListener("click", function () {
      native.value = toIso(input.value);
      if (typeof native.showPicker === "function") { native.showPicker(); } else { native.focus(); }
    });
    native.addEventListener("change", function () {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(native.value);
      if (m) {
        input.value = m[3] + "/" + m[2] + "/" + m[1];
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      }
    });
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", native);
  }
  function scan(root) {
    root.querySelectorAll("input[data-datepicker]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
