/* Saualnama web chat: a breakdown or a list as a small table of inputs, sent as ONE
   input (the engine's Input.table), so a row of numbers costs one action as in a
   spreadsheet.  Every text is inserted with textContent; no inline code (CSP). */
(function () {
  "use strict";

  var counter = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function labelled(labelText, input, rowClass) {
    var row = element("div", rowClass || "sheet-row");
    counter += 1;
    input.id = "cell-" + counter;
    var label = element("label", "", labelText);
    label.htmlFor = input.id;
    row.appendChild(label);
    row.appendChild(input);
    return row;
  }

  function numberInput(value) {
    var input = element("input");
    input.type = "text";
    input.inputMode = "numeric";
    input.autocomplete = "off";
    input.enterKeyHint = "done";
    if (value !== null && value !== undefined) { input.value = String(value); }
    return input;
  }

  function textInput(value, kind) {
    var input = element("input", "wide");
    input.type = "text";
    input.autocomplete = kind === "country" ? "country-name" : "off";
    if (value) { input.value = value; }
    return input;
  }

  function number(text) {
    var n = parseInt(String(text).replace(/[\s\u00a0]/g, ""), 10);
    return isNaN(n) ? 0 : n;
  }

  function breakdown(form, expects, t) {
    var cells = [];
    (expects.categories || []).forEach(function (c) {
      var input = numberInput(c.value);
      input.dataset.key = c.code;
      input.dataset.label = c.label;
      form.appendChild(labelled(c.label, input));
      cells.push(input);
    });
    var others = element("div", "sheet");
    function addOther() {
      var name = textInput("", "text");
      name.setAttribute("aria-label", t("category"));
      name.placeholder = t("category");
      var count = numberInput(null);
      count.setAttribute("aria-label", t("count"));
      var row = element("div", "sheet-row");
      row.appendChild(name);
      row.appendChild(count);
      others.appendChild(row);
      cells.push(count);
      count.dataset.other = "1";
      count.otherName = name;
      count.addEventListener("input", update);
      return name;
    }
    if (expects.open) {
      form.appendChild(others);
      addOther();
      var more = element("button", "more", t("add_row"));
      more.type = "button";
      more.addEventListener("click", function () { addOther().focus(); });
      form.appendChild(more);
    }
    var total = element("p", "sheet-total");
    total.setAttribute("aria-live", "polite");
    form.appendChild(total);
    function update() {
      var sum = cells.reduce(function (n, input) { return n + number(input.value); }, 0);
      if (expects.total === null || expects.total === undefined) {
        total.textContent = t("total_plain").replace("{sum}", sum);
        return;
      }
      var text = t("total").replace("{sum}", sum).replace("{whole}", expects.total);
      if (expects.total_label) { text += " — «" + expects.total_label + "»"; }
      total.textContent = text;
      total.className = "sheet-total " + (sum === expects.total ? "ok" : "off");
    }
    cells.forEach(function (input) { input.addEventListener("input", update); });
    update();
    return {
      first: cells[0],
      values: function () {
        var values = {};
        var echo = [];
        cells.forEach(function (input) {
          var value = input.value.trim();
          if (!value) { return; }
          var key = input.dataset.other ? input.otherName.value.trim() : input.dataset.key;
          if (!key) { return; }
          values[key] = value;
          echo.push((input.dataset.label || key) + ": " + value);
        });
        return { values: values, echo: echo.join("; ") };
      }
    };
  }

  function list(form, expects, t) {
    var entries = element("div", "sheet");
    form.appendChild(entries);
    var columns = expects.columns || [];
    function addEntry(cells) {
      var entry = element("div", "sheet-entry");
      var inputs = [];
      columns.forEach(function (col) {
        var input = textInput(cells[col.code] || "", col.kind);
        input.dataset.col = col.code;
        entry.appendChild(labelled(col.label, input, "sheet-cell"));
        inputs.push(input);
      });
      var remove = element("button", "more", t("remove_row"));
      remove.type = "button";
      remove.addEventListener("click", function () { entry.remove(); });
      entry.appendChild(remove);
      entries.appendChild(entry);
      return inputs[0];
    }
    var first = null;
    (expects.rows || []).forEach(function (row) {
      var cells = {};
      row.forEach(function (pair) { cells[pair[0]] = pair[1]; });
      var input = addEntry(cells);
      if (!first) { first = input; }
    });
    var fresh = addEntry({});
    if (!first) { first = fresh; }
    var more = element("button", "more", t("add_row"));
    more.type = "button";
    more.addEventListener("click", function () { addEntry({}).focus(); });
    form.appendChild(more);
    return {
      first: first,
      values: function () {
        var values = {};
        var echo = [];
        var n = 0;
        entries.querySelectorAll(".sheet-entry").forEach(function (entry) {
          var parts = [];
          var row = {};
          entry.querySelectorAll("input").forEach(function (input) {
            var value = input.value.trim();
            if (value) { row[input.dataset.col] = value; parts.push(value); }
          });
          if (!parts.length) { return; }
          n += 1;
          Object.keys(row).forEach(function (col) { values[n + "." + col] = row[col]; });
          echo.push(n + ". " + parts.join(", "));
        });
        return { values: values, echo: echo.join("\n") };
      }
    };
  }

  /* Draw the table under the question ``item``; ``submit(values, echo)`` sends it.
     Returns the first input (the page puts the cursor there). */
  function build(item, expects, t, submit) {
    var form = element("form", "sheet");
    form.noValidate = true;
    form.setAttribute("aria-label", t("table"));
    var sheet = (expects.columns && expects.columns.length) ? list(form, expects, t) : breakdown(form, expects, t);
    var actions = element("div", "sheet-actions");
    var save = element("button", "choice", t("send_form"));
    save.type = "submit";
    actions.appendChild(save);
    form.appendChild(actions);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var got = sheet.values();
      submit(got.values, got.echo || t("send_form"));
    });
    item.appendChild(form);
    return sheet.first;
  }

  window.SaualnamaSheet = { build: build };
})();
