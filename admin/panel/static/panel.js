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
