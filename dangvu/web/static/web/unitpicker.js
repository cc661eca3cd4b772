// The unit picker: every input marked data-unit-picker (rendered by dangvu.orgs.fields.UnitInput).
//
// Without this script the input is plain text: the user types a unit's code (several separated by
// commas), which the server resolves. With it, the input becomes a combobox (WAI-ARIA 1.2 "combobox
// with listbox popup"): typing searches the server (accent-insensitive; data-unit-url is the unit
// directory or the picker of one verb's permission), each result shows its path so that units of the
// same name are told apart, arrow keys move through the results, Enter chooses, Escape closes. The chosen
// codes travel in a hidden input under the field's name, so the server reads the same value either way.
// A list of units (data-unit-multiple) shows the chosen ones as removable chips.
//
// Written for this kit rather than taken from Tom Select or Choices.js: both build their markup from
// HTML strings with inline styles (refused by the Content-Security-Policy) and neither follows the
// ARIA combobox pattern for a server-side search; this file is small and has no dependencies.
(function () {
  "use strict";

  var DELAY = 200; // ms of quiet typing before the server is asked
  var LIMIT = 20;
  var counter = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function parseJson(value, fallback) {
    try { return value ? JSON.parse(value) : fallback; } catch (error) { return fallback; }
  }

  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  // The unit's ancestors, nearest first: its path without its own name.
  function ancestors(unit) {
    var path = unit.path || "";
    var prefix = unit.name + " — ";
    return path.indexOf(prefix) === 0 ? path.slice(prefix.length) : "";
  }

  function Picker(input) {
    counter += 1;
    this.input = input;
    this.multiple = input.hasAttribute("data-unit-multiple");
    this.url = input.getAttribute("data-unit-url");
    this.texts = parseJson(input.getAttribute("data-unit-texts"), {});
    this.chosen = parseJson(input.getAttribute("data-unit-chosen"), []);
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.sequence = 0;
    this.controller = null;
    this.uid = (input.id || "unit-picker-" + counter);
    this.build();
    this.bind();
    this.renderChosen();
  }

  Picker.prototype.build = function () {
    var input = this.input;
    var wrapper = element("div", "unit-picker");
    input.insertAdjacentElement("beforebegin", wrapper);

    if (this.multiple) {
      this.chips = element("ul", "unit-picker-chips");
      this.chips.setAttribute("aria-label", this.texts.chosen || "");
      wrapper.appendChild(this.chips);
    }
    wrapper.appendChild(input);

    // The submitted value moves to a hidden input; the visible one only searches.
    this.value = document.createElement("input");
    this.value.type = "hidden";
    this.value.name = input.name;
    this.value.value = this.multiple ? this.chosen.map(function (u) { return u.code; }).join(",") : input.value;
    input.removeAttribute("name");
    input.insertAdjacentElement("afterend", this.value);

    this.popup = element("div", "unit-picker-popup");
    this.popup.hidden = true;
    this.list = element("ul", "unit-picker-list");
    this.list.id = this.uid + "-listbox";
    this.list.setAttribute("role", "listbox");
    if (this.multiple) { this.list.setAttribute("aria-multiselectable", "true"); }
    var label = input.labels && input.labels[0];
    if (label) {
      if (!label.id) { label.id = this.uid + "-label"; }
      this.list.setAttribute("aria-labelledby", label.id);
    }
    this.note = element("div", "unit-picker-note");
    this.popup.appendChild(this.list);
    this.popup.appendChild(this.note);
    wrapper.appendChild(this.popup);

    this.status = element("div", "unit-picker-status");
    this.status.setAttribute("role", "status");
    wrapper.appendChild(this.status);

    if (!this.multiple) {
      this.pathLine = element("div", "unit-picker-path");
      this.pathLine.id = this.uid + "-path";
      wrapper.appendChild(this.pathLine);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (described ? described + " " : "") + this.pathLine.id);
    }

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    if (this.texts.placeholder) { input.placeholder = this.texts.placeholder; }
    input.removeAttribute("maxlength");
    if (this.multiple) {
      // What was typed but is no unit (the server said so beside the field) stays to be corrected.
      var known = this.codes();
      input.value = input.value.split(",").map(function (text) { return text.trim(); })
        .filter(function (text) { return text && known.indexOf(text) < 0; }).join(", ");
    } else if (this.chosen.length) {
      input.value = this.chosen[0].name;
    }
  };

  Picker.prototype.bind = function () {
    var self = this;
    var input = this.input;
    input.addEventListener("input", function () {
      if (!self.multiple) {
        // Until a result is chosen the typed text is the value (a code typed by hand still works).
        self.chosen = [];
        self.value.value = input.value.trim();
        self.renderChosen();
      }
      self.schedule();
    });
    input.addEventListener("keydown", function (event) { self.keydown(event); });
    input.addEventListener("click", function () { if (!self.isOpen()) { self.search(); } });
    input.addEventListener("blur", function () { self.close(); });
    // Results are chosen by click without taking the focus from the input.
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.choose(Number(option.getAttribute("data-index"))); }
    });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        // A list of units: text typed but not chosen is sent too, so the server can say it found nothing.
        var typed = input.value.trim();
        if (self.multiple && typed) {
          self.value.value = self.codes().concat([typed]).join(",");
        }
      });
    }
  };

  Picker.prototype.codes = function () {
    return this.chosen.map(function (unit) { return unit.code; });
  };

  Picker.prototype.isOpen = function () { return !this.popup.hidden; };

  Picker.prototype.keydown = function (event) {
    var open = this.isOpen();
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open || event.altKey) { this.search(); } else { this.move(1); }
        break;
      case "ArrowUp":
        if (open) { event.preventDefault(); this.move(-1); }
        break;
      case "Enter":
        if (open && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          event.stopPropagation(); // a picker inside a dialog closes itself, not the dialog
          this.close();
        }
        break;
      case "Backspace":
        if (this.multiple && !this.input.value && this.chosen.length) {
          this.remove(this.chosen.length - 1);
        }
        break;
      case "Tab":
        this.close();
        break;
    }
  };

  Picker.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.search(); }, DELAY);
  };

  Picker.prototype.search = function () {
    var self = this;
    window.clearTimeout(this.timer);
    if (!this.url || !window.fetch) { return; }
    var query = this.input.value.trim();
    if (!this.multiple && this.chosen.length && query === this.chosen[0].name) { query = ""; }
    var separator = this.url.indexOf("?") >= 0 ? "&" : "?";
    var address = this.url + separator + "limit=" + LIMIT + "&q=" + encodeURIComponent(query.slice(0, 100));
    if (this.controller) { this.controller.abort(); }
    this.controller = window.AbortController ? new AbortController() : null;
    var sequence = ++this.sequence;
    this.input.setAttribute("aria-busy", "true");
    fetch(address, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: this.controller ? this.controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (units) {
        if (sequence !== self.sequence) { return; }
        self.input.removeAttribute("aria-busy");
        if (document.activeElement === self.input) { self.show(Array.isArray(units) ? units : []); }
      })
      .catch(function (error) {
        if (sequence !== self.sequence || (error && error.name === "AbortError")) { return; }
        self.input.removeAttribute("aria-busy");
        self.show([], self.texts.failed);
      });
  };

  Picker.prototype.show = function (units, failure) {
    var self = this;
    var codes = this.codes();
    this.results = units;
    this.active = -1;
    this.list.textContent = "";
    units.forEach(function (unit, index) {
      var option = element("li", "unit-picker-option");
      option.id = self.uid + "-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("data-index", String(index));
      option.setAttribute("data-code", unit.code);
      if (self.multiple) { option.setAttribute("aria-selected", codes.indexOf(unit.code) >= 0 ? "true" : "false"); }
      option.appendChild(element("span", "unit-picker-name", unit.name));
      var meta = [ancestors(unit), unit.type, unit.code].filter(Boolean).join(" · ");
      option.appendChild(element("span", "unit-picker-meta", meta));
      self.list.appendChild(option);
    });
    var note = failure || (units.length === 0 ? this.texts.none : (units.length >= LIMIT ? this.texts.more : ""));
    this.note.textContent = note || "";
    this.note.hidden = !note;
    this.list.hidden = units.length === 0;
    this.popup.hidden = false;
    this.input.setAttribute("aria-expanded", units.length ? "true" : "false");
    this.status.textContent = failure || (units.length ? format(this.texts.count, { count: units.length }) : this.texts.none) || "";
  };

  Picker.prototype.move = function (step) {
    if (!this.results.length) { return; }
    var next = this.active + step;
    if (next < 0) { next = this.results.length - 1; }
    if (next >= this.results.length) { next = 0; }
    this.highlight(next);
  };

  Picker.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    var multiple = this.multiple;
    options.forEach(function (option, position) {
      var on = position === index;
      option.classList.toggle("active", on);
      if (!multiple) { option.setAttribute("aria-selected", on ? "true" : "false"); }
    });
    this.active = index;
    var current = options[index];
    if (current) {
      this.input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Picker.prototype.choose = function (index) {
    var unit = this.results[index];
    if (!unit) { return; }
    if (this.multiple) {
      var position = this.codes().indexOf(unit.code);
      if (position >= 0) { this.chosen.splice(position, 1); } else { this.chosen.push(unit); }
      this.input.value = "";
    } else {
      this.chosen = [unit];
      this.input.value = unit.name;
    }
    this.value.value = this.codes().join(",");
    this.renderChosen();
    this.close();
    this.value.dispatchEvent(new Event("change", { bubbles: true }));
    this.input.focus();
  };

  Picker.prototype.remove = function (index) {
    var unit = this.chosen[index];
    this.chosen.splice(index, 1);
    this.value.value = this.codes().join(",");
    this.renderChosen();
    this.status.textContent = unit ? format(this.texts.removed, { name: unit.name }) : "";
    this.value.dispatchEvent(new Event("change", { bubbles: true }));
    this.input.focus();
  };

  Picker.prototype.renderChosen = function () {
    var self = this;
    if (!this.multiple) {
      var unit = this.chosen[0];
      this.pathLine.textContent = unit ? ancestors(unit) : "";
      this.pathLine.hidden = !unit || !ancestors(unit);
      return;
    }
    this.chips.textContent = "";
    this.chips.hidden = this.chosen.length === 0;
    this.chosen.forEach(function (unit, index) {
      var chip = element("li", "unit-picker-chip");
      var name = element("span", "unit-picker-chip-name", unit.name);
      name.title = unit.path || unit.name;
      chip.appendChild(name);
      var button = element("button", "unit-picker-remove", "\u00d7");
      button.type = "button";
      button.setAttribute("aria-label", format(self.texts.remove, { name: unit.path || unit.name }));
      button.addEventListener("click", function () { self.remove(index); });
      chip.appendChild(button);
      self.chips.appendChild(chip);
    });
  };

  Picker.prototype.close = function () {
    window.clearTimeout(this.timer);
    this.popup.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  function scan(root) {
    var inputs = root.querySelectorAll ? root.querySelectorAll("input[data-unit-picker]") : [];
    inputs.forEach(function (input) {
      if (input.dataset.unitPickerReady) { return; }
      input.dataset.unitPickerReady = "1";
      new Picker(input);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
