// The list pane: rows marked unread again, and the bulk toolbar in step with the rows
// selected (conversation.js marks the opened row). Every word shown comes from the
// template (data-*).
(() => {
  const list = () => document.getElementById("list-pane");

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
      count.textContent = chosen ? count.dataset.selectedText.replace("%(count)s", chosen) : "";
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

  // New rows (a page more, a live update, a new search) and a new list pane. (A bulk
  // action's answer is marked data-autofocus: conversation.js focuses it.)
  document.addEventListener("htmx:afterSettle", syncToolbar);
  document.addEventListener("DOMContentLoaded", syncToolbar);
  if (document.readyState !== "loading") {
    syncToolbar();
  }
})();
