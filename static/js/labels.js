// Label colours are the admins' own choice, so no stylesheet can list them, and the
// Content-Security-Policy refuses style attributes. The markup carries the colour in
// data-label-color (a #rgb or #rrggbb checked on the server) and this sets the label's
// --label-color through the CSSOM, which the policy allows: on the page as served and on
// everything swapped in later (HTMX, the live updates, history restores).
(() => {
  const HEX = /^#(?:[0-9a-f]{3}){1,2}$/i;
  const SELECTOR = "[data-label-color]";

  function paint(root) {
    const labels = root.matches(SELECTOR) ? [root] : [];
    for (const label of [...labels, ...root.querySelectorAll(SELECTOR)]) {
      const color = label.dataset.labelColor;
      if (HEX.test(color)) {
        label.style.setProperty("--label-color", color);
      }
    }
  }

  paint(document.documentElement);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          paint(node);
        }
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
