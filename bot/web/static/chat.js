/* Saualnama web chat. Every text from people or the server is inserted with
   textContent (never as HTML). No inline code: the page's CSP forbids it. */
(function () {
  "use strict";

  var body = document.body;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var transcript = document.getElementById("transcript");
  var form = document.getElementById("composer");
  var box = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var progress = document.getElementById("progress");
  var progressText = document.getElementById("progress-text");
  var busy = false;
  var prompt = null;
  var ended = false;
  var typing = null;

  function t(key) {
    var name = "t" + key.charAt(0).toUpperCase() + key.slice(1);
    return body.dataset[name] || "";
  }

  function api(method, path, payload) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data || {} };
      });
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var FOLD_CHARS = 360;   /* a paragraph longer than this is folded behind "more" */
  var LINE_CHARS = 400;   /* a review line longer than this is folded on its own */

  var REVIEW_CHARS = 600;  /* a review answer longer than this is folded (an option's full
                              text, ~500 characters, stays whole) */

  function foldable(text, className, limit) {
    /* A paragraph shown whole when short; else its start, and a button that shows the rest. */
    var most = limit || FOLD_CHARS;
    var node = element("p", className);
    if (text.length <= most) { node.textContent = text; return node; }
    var cut = text.lastIndexOf(" ", most);
    if (cut < most / 2) { cut = most; }
    var head = element("span", "fold-head", text.slice(0, cut));
    var rest = element("span", "fold-rest", text.slice(cut));
    var ellipsis = element("span", "fold-ellipsis", "… ");
    node.appendChild(head);
    node.appendChild(rest);
    node.appendChild(ellipsis);
    node.appendChild(folding(rest, ellipsis));
    return node;
  }

  function folding(more, less) {
    /* The "more"/"less" button: shows ``more`` and hides ``less``, and back. */
    more.hidden = true;
    var toggle = element("button", "more", t("more"));
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function () {
      var open = more.hidden;
      more.hidden = !open;
      less.hidden = open;
      toggle.textContent = open ? t("less") : t("more");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    return toggle;
  }

  var ITEM_LINE = /^\s*\d+(\.\d+)+\.?\s/;   /* "1.3. Введение систем…": the item asked */
  var SHORT_QUESTION = 520;  /* a question longer than this shows its short form first */

  function paragraphs(node, text) {
    var parts = text.split("\n\n");
    parts.forEach(function (part, n) {
      node.appendChild(element("p", "text para" + (n === parts.length - 1 ? " asked" : ""), part));
    });
  }

  function fillQuestion(item, text) {
    /* Short form: a short lead ("Сохранено."), the item's number and question, and what
       is asked now (the last paragraph); the greeting and long notes behind "more". */
    var parts = text.split("\n\n");
    if (text.length <= SHORT_QUESTION || parts.length < 2) { paragraphs(item, text); return; }
    var short = element("div", "short");
    var full = element("div", "full");
    var lead = parts[0].length <= 120 ? parts[0] : "";
    if (lead) { short.appendChild(element("p", "text para", lead)); }
    var items = [];
    parts.slice(lead ? 1 : 0, -1).forEach(function (part) {
      part.split("\n").forEach(function (line) { if (ITEM_LINE.test(line)) { items.push(line); } });
    });
    if (items.length) { short.appendChild(element("p", "text para item-line", items.join("\n"))); }
    short.appendChild(element("p", "text para asked", parts[parts.length - 1]));
    text.split("\n\n").forEach(function (part) { full.appendChild(element("p", "text para", part)); });
    item.appendChild(short);
    item.appendChild(full);
    item.appendChild(folding(full, short));
  }

  function fill(item, text, kind) {
    /* A review folds each long answer on its own line; a long question shows its short
       form; anything else long folds after its start. */
    if (kind === "summary") {
      text.split("\n\n").forEach(function (part) {
        var block = element("div", "text para");
        part.split("\n").forEach(function (line) {
          block.appendChild(line.length > LINE_CHARS ? foldable(line, "line") : element("p", "line", line));
        });
        item.appendChild(block);
      });
    } else if (kind === "question") {
      fillQuestion(item, text);
    } else {
      item.appendChild(foldable(text, "text"));
    }
  }

  function addMessage(who, text, kind) {
    var item = element("div", "msg " + who + (kind ? " kind-" + kind : ""));
    item.appendChild(element("span", "visually-hidden", (who === "me" ? t("you") : t("bot")) + ": "));
    if (who === "me") { item.appendChild(element("p", "text", text)); } else { fill(item, text, kind); }
    transcript.appendChild(item);
    return item;
  }

  function addButtons(item, rows) {
    var first = null;
    rows.forEach(function (row) {
      var line = element("div", "choices");
      row.forEach(function (b) {
        var button = element("button", "choice", b.label);
        button.type = "button";
        button.addEventListener("click", function () {
          send({ kind: "button", value: b.data }, b.label, true);
        });
        line.appendChild(button);
        if (!first) { first = button; }
      });
      item.appendChild(line);
    });
    return first;
  }

  function scrollToLatest(firstNew) {
    if (!firstNew) { return; }
    var height = transcript.scrollHeight - firstNew.offsetTop;
    if (height > transcript.clientHeight) {
      transcript.scrollTop = firstNew.offsetTop - 8;
    } else {
      transcript.scrollTop = transcript.scrollHeight;
    }
  }

  var lastProgress = null;

  function setProgress(p) {
    if (!p || !p.total) { return; }
    lastProgress = p;
    progress.max = p.total;
    progress.value = p.done;
    var text = t("done").replace("{done}", p.done).replace("{total}", p.total);
    progressText.textContent = text;
    progress.setAttribute("aria-valuetext", text);
  }

  function applyUi(lang, ui) {
    if (!ui) { return; }
    if (lang) { document.documentElement.lang = lang; }
    Object.keys(ui).forEach(function (key) {
      body.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] = ui[key];
    });
    document.querySelectorAll("[data-ui]").forEach(function (node) {
      var value = ui[node.dataset.ui];
      if (value) { node.textContent = value; }
    });
    document.querySelectorAll("[data-ui-label]").forEach(function (node) {
      var value = ui[node.dataset.uiLabel];
      if (value) {
        node.setAttribute("aria-label", value);
        if (node.hasAttribute("title")) { node.setAttribute("title", value); }
      }
    });
    document.querySelectorAll("[data-ui-placeholder]").forEach(function (node) {
      var value = ui[node.dataset.uiPlaceholder];
      if (value) { node.setAttribute("placeholder", value); }
    });
    document.querySelectorAll("button.lang").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.lang === lang ? "true" : "false");
    });
  }

  function buttonCount(reply) {
    return (reply.buttons || []).reduce(function (n, row) { return n + row.length; }, 0);
  }

  function expectsText(replies) {
    /* The engine says whether typed text answers the step (Reply.expects.text); without
       that, a question with a few buttons takes text and a long list is a menu. */
    for (var n = replies.length - 1; n >= 0; n -= 1) {
      if (replies[n].expects) { return !!replies[n].expects.text; }
    }
    var last = replies[replies.length - 1];
    return !!last && last.kind === "question" && buttonCount(last) <= 8;
  }

  function isTable(expects) {
    return !!expects && !!expects.form &&
      ((expects.categories && expects.categories.length) || (expects.columns && expects.columns.length));
  }

  function addReview(item, entries) {
    /* Every answer in full (long ones folded), by item; a mismatch with its explanation;
       one tap on "Изменить" opens the item. */
    var list = element("div", "review");
    var lastItem = null;
    entries.forEach(function (e) {
      if (e.item !== lastItem) {
        lastItem = e.item;
        list.appendChild(element("p", "review-item", e.item + ". " + e.question));
      }
      var row = element("div", "review-entry kind-" + e.kind);
      row.appendChild(element("p", "review-label", e.label));
      row.appendChild(foldable(e.answer, "review-answer", REVIEW_CHARS));
      if (e.note) { row.appendChild(foldable(t("explained") + ": " + e.note, "review-note", REVIEW_CHARS)); }
      if (e.edit) {
        var edit = element("button", "more", t("edit"));
        edit.type = "button";
        edit.setAttribute("aria-label", t("edit") + ": " + e.item + " " + e.label);
        edit.addEventListener("click", function () {
          send({ kind: "button", value: e.edit }, t("edit") + ": " + e.item, true);
        });
        row.appendChild(edit);
      }
      list.appendChild(row);
    });
    item.appendChild(list);
  }

  // The return banner after a language switch: the server's texts, written as text.
  function applyReturned(data) {
    var banner = document.getElementById("returned");
    if (!banner) { return; }
    if (!data) { banner.remove(); return; }
    function el(tag, cls, text) {
      var node = document.createElement(tag);
      if (cls) { node.className = cls; }
      if (text) { node.textContent = text; }
      return node;
    }
    var title = el("h2", "", data.title);
    title.id = "returned-title";
    if (data.when) { title.appendChild(document.createTextNode(" ")); title.appendChild(el("span", "returned-when", data.when)); }
    var parts = [title];
    if (data.note) { parts.push(el("p", "returned-note", data.note)); }
    parts.push(el("p", "returned-lead", data.lead));
    if (data.items.length) {
      var list = el("ul", "returned-items");
      data.items.forEach(function (i) {
        var li = el("li");
        li.appendChild(el("span", "returned-item", i.item));
        if (i.note) { li.appendChild(el("span", "returned-note", i.note)); }
        list.appendChild(li);
      });
      parts.push(list);
    }
    banner.replaceChildren.apply(banner, parts);
  }

  function render(data, focusChoice) {
    if (typeof data.prompt === "number") { prompt = data.prompt; }
    var previous = transcript.querySelectorAll("button.choice, .sheet input, .sheet button");
    var firstItem = null;
    var firstChoice = null;
    var firstCell = null;
    var replies = data.replies || [];
    if (data.ui) { applyUi(data.lang, data.ui); }
    if (data.organisation) { document.getElementById("org").textContent = data.organisation; }
    if (data.returned !== undefined) { applyReturned(data.returned); }
    replies.forEach(function (reply) {
      var review = reply.review && reply.review.length;
      var item = review ? addMessage("bot", "", reply.kind) : addMessage("bot", reply.text, reply.kind);
      if (review) { addReview(item, reply.review); }
      if (!firstItem) { firstItem = item; }
      if (isTable(reply.expects) && window.SaualnamaSheet) {
        var expects = reply.expects;
        var cell = window.SaualnamaSheet.build(item, expects, t, function (values, echo) {
          send({ kind: "form", value: expects.form, form: values, prompt: prompt }, echo, false);
        });
        if (!firstCell) { firstCell = cell; }
      }
      var rows = reply.buttons || [];
      if (isTable(reply.expects)) {  /* the table has a box per category: no button per category */
        rows = rows.map(function (row) {
          return row.filter(function (b) { return b.data.split("|")[1].indexOf("cat:") !== 0; });
        }).filter(function (row) { return row.length; });
      }
      if (rows.length) {
        var first = addButtons(item, rows);
        if (!firstChoice) { firstChoice = first; }
      }
    });
    previous.forEach(function (button) { button.disabled = true; });
    if (data.progress) { setProgress(data.progress); }
    scrollToLatest(firstItem);
    if (firstCell) {
      firstCell.focus({ preventScroll: true });
    } else if (expectsText(replies) && !ended) {
      box.focus({ preventScroll: true });
    } else if (focusChoice && firstChoice) {
      firstChoice.focus({ preventScroll: true });
    }
  }

  function notice(text) {
    var item = addMessage("bot", text, "error");
    scrollToLatest(item);
  }

  function setBusy(value) {
    busy = value;
    transcript.setAttribute("aria-busy", value ? "true" : "false");
    sendButton.disabled = value || ended;
    if (value) {
      typing = element("div", "msg bot typing");
      typing.setAttribute("aria-hidden", "true");
      typing.appendChild(element("span", "dot"));
      typing.appendChild(element("span", "dot"));
      typing.appendChild(element("span", "dot"));
      transcript.appendChild(typing);
      transcript.scrollTop = transcript.scrollHeight;
    } else if (typing) {
      typing.remove();
      typing = null;
    }
  }

  function finish(result, focusChoice) {
    if (result.status === 200) {
      render(result.data, focusChoice);
      return true;
    }
    if (result.status === 401) {
      ended = true;
      notice(result.data.error || t("ended"));
      box.disabled = true;
      document.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      return false;
    }
    notice(result.data.error || t("failed"));
    return false;
  }

  function call(method, path, payload, echo, focusChoice) {
    if (busy || ended) { return Promise.resolve(false); }
    if (echo) { scrollToLatest(addMessage("me", echo)); }
    setBusy(true);
    return api(method, path, payload)
      .then(function (result) { setBusy(false); return finish(result, focusChoice); })
      .catch(function () { setBusy(false); notice(t("offline")); return false; });
  }

  function send(payload, echo, focusChoice) {
    return call("POST", "/api/input", payload, echo, focusChoice);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = box.value;
    if (!text.trim() || busy || ended) { return; }
    box.value = "";
    grow();
    // Typed text names the prompt it answers: never stored in a question not shown here.
    send({ kind: "text", value: text, prompt: prompt }, text, false).then(function (ok) {
      if (!ok || document.activeElement === document.body) { box.focus(); }  /* else render chose */
    });
  });

  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { sendButton.click(); }
    }
  });

  function grow() {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight, 160) + "px";
  }
  box.addEventListener("input", grow);

  function notReady() {
    /* The header's "submit" before everything is answered: say so here and stay on the
       question, instead of sending the person back to the first unanswered field. */
    var p = lastProgress;
    if (!p || p.done >= p.total) { return false; }
    var item = addMessage("bot", t("not_ready").replace("{done}", p.done).replace("{total}", p.total), "info");
    item.setAttribute("role", "status");
    scrollToLatest(item);
    return true;
  }

  document.querySelectorAll("button[data-cmd]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.cmd === "submit" && notReady()) { return; }
      var label = button.getAttribute("aria-label") || button.textContent;
      send({ kind: "command", value: button.dataset.cmd }, label, true);
    });
  });

  document.querySelectorAll("button.lang").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") { return; }
      call("POST", "/api/language", { lang: button.dataset.lang }, button.textContent, false);
    });
  });

  function loadState() {
    return call("GET", "/api/state", undefined, null, false);
  }

  function telegramReady() {
    var event = JSON.stringify({ eventType: "web_app_ready", eventData: {} });
    try {
      if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent("web_app_ready", "{}");
      } else if (window.parent && window.parent !== window) {
        window.parent.postMessage(event, "https://web.telegram.org");
      }
    } catch (error) { /* not inside Telegram */ }
  }

  function startMiniApp() {
    telegramReady();
    var params = new URLSearchParams(window.location.hash.slice(1));
    var initData = params.get("tgWebAppData") || "";
    setBusy(true);
    api("POST", "/api/tg-auth", { initData: initData })
      .then(function (result) {
        setBusy(false);
        if (result.status !== 200) {
          finish({ status: 401, data: result.data });
          return;
        }
        csrf = result.data.csrf;
        applyUi(result.data.lang, result.data.ui);
        loadState();
      })
      .catch(function () { setBusy(false); notice(t("offline")); });
  }

  if (body.dataset.mode === "tg") { startMiniApp(); } else { loadState(); }
})();
