// The picker beside every date typed as text (inputs marked data-datepicker): a button opens the
// browser's own calendar; the chosen day is written back as dd/mm/yyyy. Typing stays the main way in.
// The input and its button become a Bootstrap input group; the icon comes from the kit's sprite.
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
    button.className = "btn btn-outline-secondary datepicker-button";
    button.setAttribute("aria-label", input.dataset.datepickerLabel || (document.documentElement.lang === "en" ? "Choose a date" : "Chọn ngày"));
    button.title = button.getAttribute("aria-label");
    var icon = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    icon.setAttribute("class", "bi");
    icon.setAttribute("aria-hidden", "true");
    var use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", (document.body.dataset.icons || "") + "#calendar-event");
    icon.appendChild(use);
    button.appendChild(icon);
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
    var group = input.parentElement;
    if (!group.classList.contains("input-group")) {
      group = document.createElement("div");
      group.className = "input-group";
      input.insertAdjacentElement("beforebegin", group);
      group.appendChild(input);
    }
    if (input.classList.contains("is-invalid")) { group.classList.add("has-validation"); }
    // The hidden native input sits between the text and the button, so the button keeps its rounded end.
    input.insertAdjacentElement("afterend", native);
    native.insertAdjacentElement("afterend", button);
  }
  function scan(root) {
    root.querySelectorAll("input[data-datepicker]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
