// The list pane: keep its rows in step with the conversation opened through HTMX, and the
// bulk toolbar with the rows selected. Every word shown comes from the template (data-*).
(() => {
  const list = () => document.getElementById("list-pane");

  // The opened row becomes the current one and is no longer unread (the server marked it
  // read for this agent).
  document.addEventListener("htmx:afterRequest", (event) => {
    const link = event.detail.elt;
    if (!event.detail.successful || !link.matches || !link.matches(".row > a")) {
      return;
    }
    document.querySelectorAll(".row > a[aria-current]").forEach((other) => {
      other.removeAttribute("aria-current");
    });
    link.setAttribute("aria-current", "true");
    const row = link.parentElement;
    row.classList.remove("is-unread");
    row.querySelectorAll(".unread-marker").forEach((marker) => marker.remove());
  });

  // "Mark unread" (in the conversation's header) answers with this event: bold again.
  document.body.addEventListener("conversation-unread", (event) => {
    const row = document.getElementById(`row-${event.detail.id}`);
    if (!row || row.classList.contains("is-unread")) {
      return;
    }
    row.classList.add("is-unread");
    const marker = document.createElement("span");
    marker.className = "visually-hidden unread-marker";
    marker.textContent = list()?.dataset.unreadText || "";
    row.querySelector(".name")?.after(marker);
  });

  // --- bulk selection -------------------------------------------------------------------

  const rowBoxes = () =>
    Array.from(document.querySelectorAll('#conversations input[name="conversation"]'));

  // Without JS the toolbar is always there; with it, it appears once a row is selected.
  function syncToolbar() {
    const toolbar = document.querySelector("[data-bulk-toolbar]");
    if (!toolbar) {
      return;
    }
    const boxes = rowBoxes();
    const chosen = boxes.filter((box) => box.checked).length;
    toolbar.hidden = chosen === 0;
    const count = toolbar.querySelector(".bulk-count");
    if (count) {
      count.textContent = chosen ? `${count.dataset.selectedText} ${chosen}` : "";
    }
    const all = document.getElementById("select-all");
    if (all) {
      all.closest("[data-js-only]").hidden = boxes.length === 0;
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.id === "select-all") {
      rowBoxes().forEach((box) => {
        box.checked = target.checked;
      });
    }
    if (target.id === "select-all" || target.name === "conversation") {
      syncToolbar();
    }
  });

  // New rows (a page more, a live update, a new search) and a new list pane; after a bulk
  // action its answer takes the focus.
  document.addEventListener("htmx:afterSettle", (event) => {
    syncToolbar();
    const answer = event.detail.elt?.id === "list-pane" && list()?.querySelector("[data-focus]");
    if (answer) {
      answer.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", syncToolbar);
  if (document.readyState !== "loading") {
    syncToolbar();
  }
})();
