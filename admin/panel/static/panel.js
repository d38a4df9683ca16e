/* Saualnama panel: the few things a page cannot do without script (served as a file: the
   Content-Security-Policy allows no inline code). Everything works without it but copying
   and printing from a button. */
"use strict";

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const copy = target.closest("[data-copy]");
  if (copy) {
    const field = document.getElementById(copy.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    const done = () => {
      const label = copy.textContent;
      copy.textContent = copy.getAttribute("data-done") || label;
      setTimeout(() => { copy.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, () => {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
    return;
  }
  const print = target.closest("[data-print]");
  if (print) {
    document.body.setAttribute("data-print", print.getAttribute("data-print") || "both");
    window.print();
  }
});

/* The dashboard's live part is fetched again every data-refresh seconds while the page is
   visible, and swapped in place (the filters, the scroll position and focus stay). */
(() => {
  const live = document.getElementById("live");
  const seconds = live ? Number(live.getAttribute("data-refresh")) : 0;
  if (!live || !(seconds > 0) || !window.fetch || !window.DOMParser) return;
  const refresh = () => {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (fresh) live.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
        const stamp = live.querySelector("[data-updated]");
        if (stamp) stamp.textContent = new Date().toLocaleTimeString(document.documentElement.lang || "ru");
      })
      .catch(() => {});
  };
  window.setInterval(refresh, seconds * 1000);
})();
