// Keep the conversation list in step with the pane opened through HTMX: the opened row
// becomes the current one and is no longer unread (the server marked it read).
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
