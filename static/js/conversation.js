// The conversation pane: keeps the list in step with the open conversation, moves focus
// where the server says after an action (data-autofocus), and makes the delete
// confirmation and the customer panel's disclosure behave. Every word shown comes from the
// templates; this file holds none.
(() => {
  const PANEL_KEY = "socialcare:customer-panel";

  // The list row of the open conversation is the current one, and no longer unread.
  function markCurrentRow(pk) {
    document.querySelectorAll(".row > a[aria-current]").forEach((other) => {
      other.removeAttribute("aria-current");
    });
    const row = pk && document.getElementById(`row-${pk}`);
    const link = row && row.querySelector("a");
    if (!link) {
      return;
    }
    link.setAttribute("aria-current", "true");
    row.classList.remove("is-unread");
    row.querySelectorAll(".unread-marker").forEach((marker) => marker.remove());
  }

  document.addEventListener("htmx:afterRequest", (event) => {
    const link = event.detail.elt;
    if (!event.detail.successful || !link.matches || !link.matches(".row > a")) {
      return;
    }
    markCurrentRow(link.parentElement.id.replace("row-", ""));
  });

  // After an action the server marks one element to focus: the pane's heading, the next
  // conversation's heading after "Done", a refusal, the switch just used. Opening a
  // conversation marks nothing, so focus stays in the list.
  function focusMarked() {
    const target = document.querySelector("[data-autofocus]");
    if (!target) {
      return;
    }
    document.querySelectorAll("[data-autofocus]").forEach((el) => {
      el.removeAttribute("data-autofocus");
    });
    const details = target.closest("details:not([open])");
    if (details) {
      details.open = true;
    }
    target.focus({ preventScroll: false });
  }

  function rememberPanel(root) {
    const panel = root.querySelector && root.querySelector("details[data-remember='customer-panel']");
    if (!panel) {
      return;
    }
    try {
      if (window.localStorage.getItem(PANEL_KEY) === "closed") {
        panel.open = false;
      }
    } catch {
      // Storage may be off (private windows): the panel just stays open.
    }
  }

  document.addEventListener("htmx:afterSettle", () => {
    const pane = document.getElementById("conversation-pane");
    if (pane && pane.dataset.conversationId) {
      markCurrentRow(pane.dataset.conversationId);
    }
    rememberPanel(document);
    focusMarked();
  });

  document.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (!(details instanceof HTMLDetailsElement) || details.dataset.remember !== "customer-panel") {
        return;
      }
      try {
        window.localStorage.setItem(PANEL_KEY, details.open ? "open" : "closed");
      } catch {
        // See rememberPanel.
      }
    },
    true,
  );

  // The delete confirmation: Cancel or Escape closes it and gives focus back to its summary.
  function closeConfirm(details) {
    details.open = false;
    details.querySelector("summary").focus();
  }

  document.addEventListener("click", (event) => {
    const cancel = event.target.closest && event.target.closest("[data-confirm-cancel]");
    if (cancel) {
      closeConfirm(cancel.closest("details"));
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") {
      return;
    }
    const details = event.target.closest && event.target.closest("details.confirm[open]");
    if (details) {
      event.preventDefault();
      closeConfirm(details);
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    rememberPanel(document);
    const pane = document.getElementById("conversation-pane");
    if (pane && pane.dataset.conversationId) {
      markCurrentRow(pane.dataset.conversationId);
    }
    focusMarked();
  });
})();
