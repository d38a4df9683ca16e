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

  function addMessage(who, text, kind) {
    var item = element("div", "msg " + who + (kind ? " kind-" + kind : ""));
    item.appendChild(element("span", "visually-hidden", (who === "me" ? t("you") : t("bot")) + ": "));
    item.appendChild(element("p", "text", text));
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

  function setProgress(p) {
    if (!p || !p.total) { return; }
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

  function render(data, focusChoice) {
    if (typeof data.prompt === "number") { prompt = data.prompt; }
    var previous = transcript.querySelectorAll("button.choice");
    var firstItem = null;
    var firstChoice = null;
    (data.replies || []).forEach(function (reply) {
      var item = addMessage("bot", reply.text, reply.kind);
      if (!firstItem) { firstItem = item; }
      if (reply.buttons && reply.buttons.length) {
        var first = addButtons(item, reply.buttons);
        if (!firstChoice) { firstChoice = first; }
      }
    });
    previous.forEach(function (button) { button.disabled = true; });
    if (data.progress) { setProgress(data.progress); }
    if (data.ui) { applyUi(data.lang, data.ui); }
    scrollToLatest(firstItem);
    if (focusChoice && firstChoice) {
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
    send({ kind: "text", value: text, prompt: prompt }, text, false).then(function () { box.focus(); });
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

  document.querySelectorAll("button[data-cmd]").forEach(function (button) {
    button.addEventListener("click", function () {
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
