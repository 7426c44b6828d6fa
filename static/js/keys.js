// Keyboard shortcuts of the inbox. The list of them, and every word shown, is rendered by
// templates/inbox/shortcuts.html; this file only maps keys to the page's own controls, so
// each shortcut does exactly what clicking that control does (HTMX or not).
(() => {
  const LETTERS = "jkrnefa";

  // The shortcut a key press means, or null. Letters are read by the key's place on the
  // keyboard when a Hebrew, Greek or Cyrillic layout is active, so "j" works in every layout.
  function shortcutOf(event) {
    const key = event.key;
    if (["?", "/", "Enter"].includes(key)) {
      return key;
    }
    if (key.length === 1 && LETTERS.includes(key)) {
      return key;
    }
    if (key.length === 1 && key.charCodeAt(0) > 127 && !event.shiftKey) {
      if (/^Key[A-Z]$/.test(event.code)) {
        const letter = event.code.slice(3).toLowerCase();
        return LETTERS.includes(letter) ? letter : null;
      }
      if (event.code === "Slash") {
        return "/";
      }
    }
    return null;
  }

  // Typing in a text box, a select or an editable element is typing, not a shortcut.
  function isTyping(target) {
    if (!(target instanceof Element)) {
      return false;
    }
    if (target.isContentEditable || target.closest("textarea, select")) {
      return true;
    }
    const input = target.closest("input");
    return Boolean(input) && !["checkbox", "radio", "button", "submit", "reset"].includes(input.type);
  }

  function rows() {
    return Array.from(document.querySelectorAll("#conversations li.row")).filter((row) =>
      row.querySelector("a[href]"),
    );
  }

  function selectedRow() {
    const focused = document.activeElement && document.activeElement.closest("li.row");
    return (
      focused ||
      document.querySelector("li.row.is-selected") ||
      document.querySelector("li.row > a[aria-current='true']")?.parentElement ||
      null
    );
  }

  function select(row) {
    document.querySelectorAll("li.row.is-selected").forEach((other) => {
      other.classList.remove("is-selected");
    });
    row.classList.add("is-selected");
    row.scrollIntoView({ block: "nearest" });
    row.querySelector("a[href]").focus({ preventScroll: true });
  }

  function move(step) {
    const all = rows();
    if (all.length === 0) {
      return false;
    }
    const index = all.indexOf(selectedRow());
    const next = index === -1 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    select(all[next]);
    return true;
  }

  function open() {
    // A focused link or button answers Enter itself.
    if (document.activeElement && document.activeElement.closest("a[href], button, summary")) {
      return false;
    }
    const row = document.querySelector("li.row.is-selected");
    if (!row) {
      return false;
    }
    row.querySelector("a[href]").click();
    return true;
  }

  function click(selector) {
    const control = document.querySelector(selector);
    if (!control || control.disabled) {
      return false;
    }
    control.click();
    return true;
  }

  // "reply" or "note": switch the composer to that mode (its tab), then into its text box.
  function compose(mode) {
    const tab = document.querySelector(`#conversation-pane [role="tab"][data-mode="${mode}"]`);
    if (tab && tab.getAttribute("aria-selected") !== "true") {
      tab.click();
    }
    const text = document.querySelector(`#${mode}-form textarea`);
    if (!text || text.closest("[hidden]")) {
      return false;
    }
    text.focus();
    return true;
  }

  // Leads and admins get a picker to choose whom (focused, to choose with the arrows);
  // agents get "Assign to me", which the shortcut presses.
  function assign() {
    const control = document.querySelector("#conversation-pane [data-shortcut='assign']");
    if (!control) {
      return false;
    }
    if (control.matches("button")) {
      control.click();
    } else {
      control.focus();
    }
    return true;
  }

  function search() {
    const box = document.getElementById("search");
    if (!box) {
      return false;
    }
    box.focus();
    if (typeof box.select === "function") {
      box.select();
    }
    return true;
  }

  let opener = null;

  function showShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog || dialog.open) {
      return false;
    }
    opener = document.activeElement;
    dialog.showModal();
    return true;
  }

  // The button under the folders shows the same list, for those who do not know "?".
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-show-shortcuts]")) {
      showShortcuts();
    }
  });

  // Back to where the agent was when the dialog closes (Esc, the Close button).
  document.addEventListener(
    "close",
    (event) => {
      if (event.target.id !== "shortcuts" || !opener) {
        return;
      }
      // A live update may have redrawn the opener (the folders' button) meanwhile: its
      // replacement has the same id.
      const back = opener.isConnected ? opener : opener.id && document.getElementById(opener.id);
      if (back) {
        back.focus();
      }
    },
    true,
  );

  const ACTIONS = {
    j: () => move(1),
    k: () => move(-1),
    Enter: open,
    r: () => compose("reply"),
    n: () => compose("note"),
    e: () => click("#conversation-pane button[name='status'][value='done']"),
    f: () => click("#conversation-pane button[name='status'][value='follow_up']"),
    a: assign,
    "/": search,
    "?": showShortcuts,
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    // Another dialog (a confirmation, this list) has the keyboard; Esc closes it natively.
    if (document.querySelector("dialog[open]") || isTyping(event.target)) {
      return;
    }
    const action = ACTIONS[shortcutOf(event)];
    if (action && action()) {
      // Otherwise the letter would be typed into the box the shortcut just focused.
      event.preventDefault();
    }
  });
})();
