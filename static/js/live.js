// Live updates on the inbox page. One EventSource on /events/ says what changed (ids
// only); the page fetches the HTML through the ordinary access-checked views and swaps
// it in: list rows, the open conversation's messages, header and thread, the folders'
// counts, who else is here. It also tells the server whether this agent is viewing or
// replying, and warns when someone else replied while they were typing.
(() => {
  "use strict";

  const config = document.getElementById("live");
  if (!config || !window.EventSource || !window.fetch) {
    return;
  }
  const urls = config.dataset;
  const me = Number(config.dataset.user);
  const texts = JSON.parse(document.getElementById("live-texts").textContent);
  // What a status or assignment change by someone else refreshes in the open pane; the
  // composer is never among them, so a draft survives.
  const PANE_PARTS = [".conversation-head", "#thread"];
  const HEARTBEAT_MS = 20000;
  const TYPING_EVERY_MS = 4000;
  const TYPING_IDLE_MS = 8000;
  const MAX_BACKOFF_MS = 30000;
  // --- small helpers ----------------------------------------------------------------------

  const fill = (template, name) => template.replace("%(name)s", name);

  // "/c/0/m/0/" with 0 standing for each id in turn.
  const urlFor = (template, ...ids) =>
    ids.reduce((url, id) => url.replace("/0/", `/${id}/`), template);

  // The list's query (folder, filters, search, sort) as the address bar carries it.
  function listQuery() {
    const params = new URLSearchParams(window.location.search);
    params.delete("after");
    const query = params.toString();
    return query ? `?${query}` : "";
  }

  function newestFirst() {
    const sort = new URLSearchParams(window.location.search).get("sort");
    return !sort || sort === "newest";
  }

  function openConversation() {
    const box = document.querySelector("#conversation-pane #presence[data-conversation]");
    return box ? Number(box.dataset.conversation) : null;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || "";
    } catch {
      return "";
    }
  }

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function activate(element) {
    if (window.htmx) {
      window.htmx.process(element);
    }
  }

  // Only the newest fetch of one thing is applied: answers can overtake each other.
  const tickets = new Map();

  async function fetchLatest(key, url) {
    const ticket = (tickets.get(key) || 0) + 1;
    tickets.set(key, ticket);
    let response;
    try {
      response = await fetch(url, {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
    } catch {
      return null;
    }
    if (response.redirected) {
      // Sent to the login page: the session ended. Reloading shows it.
      window.location.reload();
      return null;
    }
    if (tickets.get(key) !== ticket) {
      return null;
    }
    const html = response.status === 200 ? await response.text() : "";
    return tickets.get(key) === ticket ? { status: response.status, html } : null;
  }

  // Replace `old` by `fresh`, keeping the keyboard focus on the same control and the
  // ticks the agent made (rows chosen for a bulk action).
  function swap(old, fresh) {
    const focused = old.contains(document.activeElement) ? document.activeElement : null;
    carryTicks(old, fresh);
    old.replaceWith(fresh);
    activate(fresh);
    if (focused) {
      restoreFocus(fresh, focused);
    }
  }

  function carryTicks(old, fresh) {
    old.querySelectorAll("input[type=checkbox][id]").forEach((box) => {
      const again = fresh.querySelector(`#${CSS.escape(box.id)}`);
      if (again) {
        again.checked = box.checked;
      }
    });
  }

  function restoreFocus(container, lost) {
    const candidates = container.querySelectorAll("a, button, input, select, textarea, summary");
    const same = [...candidates].find(
      (el) =>
        el.tagName === lost.tagName &&
        (lost.id
          ? el.id === lost.id
          : el.getAttribute("name") === lost.getAttribute("name") &&
            el.getAttribute("value") === lost.getAttribute("value") &&
            el.textContent.trim() === lost.textContent.trim()),
    );
    const target = same || candidates[0];
    if (target) {
      target.focus({ preventScroll: true });
    }
  }

  function scroller(element) {
    for (let el = element.parentElement; el; el = el.parentElement) {
      const overflow = getComputedStyle(el).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && el.scrollHeight > el.clientHeight) {
        return el;
      }
    }
    return document.scrollingElement;
  }

  function announce(text) {
    const box = document.getElementById("live-announcer");
    box.textContent = "";
    // A change after a pause, so the same words twice are announced twice.
    window.setTimeout(() => {
      box.textContent = text;
    }, 100);
  }

  // --- what the events refresh --------------------------------------------------------------

  function removeRow(row) {
    // A chosen row that goes away is no longer chosen: the bulk toolbar counts again.
    row.querySelectorAll("input[type=checkbox]:checked").forEach((box) => {
      box.checked = false;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    row.remove();
  }

  // Rows to move up once their newest fetch lands (an earlier fetch may have asked for it).
  const rowsToMove = new Set();

  // Whether a row belongs at the top of a newest-first list: its last activity is the
  // newest. A message delivered late (written before the others) leaves it where it is.
  // data-activity is "seconds.microseconds" since 1970, fixed width: strings compare right.
  function newestInList(list, row) {
    const top = list.querySelector(":scope > li.row[data-activity]");
    return (
      !top ||
      top.id === row.id ||
      !row.dataset.activity ||
      row.dataset.activity >= top.dataset.activity
    );
  }

  // The first loaded row with older activity than `row`: it goes just before that one.
  function olderRow(list, row) {
    const rows = [...list.querySelectorAll(":scope > li.row[data-activity]")];
    return rows.find((other) => other.dataset.activity < row.dataset.activity) || null;
  }

  async function refreshRow(pk, { toTop = false } = {}) {
    const list = document.getElementById("conversations");
    if (!list) {
      return null;
    }
    if (toTop) {
      rowsToMove.add(pk);
    }
    const answer = await fetchLatest(`row-${pk}`, urlFor(urls.rowUrl, pk) + listQuery());
    if (!answer) {
      return null;
    }
    const asked = rowsToMove.delete(pk) && newestFirst();
    const existing = document.getElementById(`row-${pk}`);
    if (answer.status === 204 || answer.status === 404) {
      // No longer in this folder or these filters (or no longer ours to see).
      if (existing) {
        removeRow(existing);
      }
      return null;
    }
    const row = parse(answer.html).querySelector(`#row-${pk}`);
    if (!row) {
      return null;
    }
    const moveUp = asked && newestInList(list, row);
    const link = row.querySelector("a");
    if (link && pk === openConversation()) {
      link.setAttribute("aria-current", "true");
    }
    if (existing && !moveUp) {
      swap(existing, row);
      return row;
    }
    // Not the newest (a message delivered late reopened it): among the loaded rows.
    const older = moveUp || !asked ? null : olderRow(list, row);
    if (!moveUp && !older) {
      // A new row for a list in another order, or past the rows loaded so far: it
      // appears where it belongs on reload, or with the next page.
      return null;
    }
    const hadFocus = existing && existing.contains(document.activeElement);
    if (existing) {
      carryTicks(existing, row);
      existing.remove();
    }
    list.querySelectorAll(":scope > li.empty").forEach((empty) => empty.remove());
    if (older) {
      older.before(row);
    } else {
      list.prepend(row);
    }
    activate(row);
    if (hadFocus && link) {
      link.focus({ preventScroll: true });
    }
    row.classList.add("is-live-changed");
    return row;
  }

  async function refreshMessage(event) {
    if (!event.message || event.conversation !== openConversation()) {
      return null;
    }
    const url = urlFor(urls.messageUrl, event.conversation, event.message) + listQuery();
    const answer = await fetchLatest(`message-${event.message}`, url);
    const thread = document.getElementById("thread");
    if (!answer || answer.status !== 200 || !thread || event.conversation !== openConversation()) {
      return null;
    }
    const message = parse(answer.html).querySelector(`#message-${event.message}`);
    if (!message) {
      return null;
    }
    const existing = document.getElementById(`message-${event.message}`);
    if (existing) {
      swap(existing, message);
      return message;
    }
    if (message.classList.contains("is-reply")) {
      // A reply in a comment thread goes under the comment it answers: the thread knows where.
      await refreshPane(event.conversation, ["#thread"]);
      return document.getElementById(`message-${event.message}`);
    }
    const box = scroller(thread);
    const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
    const later = laterEntry(thread, message);
    if (later) {
      // Delivered late: it goes where the customer wrote it, and the agent's place stays.
      later.before(message);
    } else {
      thread.append(message);
    }
    activate(message);
    if (atEnd && !later) {
      message.scrollIntoView({ block: "nearest" });
    }
    return message;
  }

  const messagePk = (entry) =>
    entry.id.startsWith("message-") ? Number(entry.id.slice("message-".length)) : null;

  // The first top-level entry of the thread that comes after `message` in thread order
  // (data-at: the server's sort time; ties by id, messages before notes and activity lines),
  // or null when it belongs at the end. Replies are skipped: they stay under their comment.
  function laterEntry(thread, message) {
    const at = Number(message.dataset.at);
    const pk = messagePk(message);
    if (!Number.isFinite(at)) {
      return null;
    }
    return (
      [...thread.children].find((entry) => {
        if (entry.classList.contains("is-reply") || !entry.dataset.at) {
          return false;
        }
        const other = Number(entry.dataset.at);
        if (other !== at) {
          return other > at;
        }
        const otherPk = messagePk(entry);
        return otherPk === null || otherPk > pk;
      }) || null
    );
  }

  // Parts of the pane waiting for a refresh: a newer fetch applies what older ones asked.
  const paneParts = new Map();

  async function refreshPane(pk, parts) {
    const pending = paneParts.get(pk) || new Set();
    parts.forEach((part) => pending.add(part));
    paneParts.set(pk, pending);
    const url = urlFor(urls.conversationUrl, pk) + listQuery();
    const answer = await fetchLatest(`pane-${pk}`, url);
    if (!answer) {
      return;
    }
    paneParts.delete(pk);
    const pane = document.getElementById("conversation-pane");
    if (answer.status !== 200 || !pane || pk !== openConversation()) {
      return;
    }
    const fresh = parse(answer.html).querySelector("#conversation-pane");
    if (!fresh) {
      return;
    }
    for (const selector of pending) {
      const old = pane.querySelector(selector);
      const part = fresh.querySelector(selector);
      if (old && part) {
        swap(old, part);
      }
    }
  }

  async function refreshList() {
    const answer = await fetchLatest("list", urls.indexUrl + listQuery());
    const pane = document.getElementById("list-pane");
    const fresh = answer && answer.status === 200 && parse(answer.html).querySelector("#list-pane");
    if (pane && fresh) {
      swap(pane, fresh);
      const pk = openConversation();
      const link = pk && document.querySelector(`#row-${pk} > a`);
      if (link) {
        link.setAttribute("aria-current", "true");
      }
    }
  }

  let foldersTimer = null;

  // Many events in a burst change the counts once: one fetch per short window.
  function refreshFoldersSoon() {
    if (foldersTimer) {
      return;
    }
    foldersTimer = window.setTimeout(async () => {
      foldersTimer = null;
      const answer = await fetchLatest("folders", urls.foldersUrl + listQuery());
      const old = document.getElementById("folders");
      const fresh = answer && answer.status === 200 && parse(answer.html).querySelector("#folders");
      if (old && fresh) {
        swap(old, fresh);
      }
    }, 400);
  }

  function showPresence(pk, html) {
    const box = document.getElementById("presence");
    const fresh = parse(html).querySelector("#presence");
    if (!box || !fresh || Number(box.dataset.conversation) !== pk) {
      return;
    }
    // The same live region gets new words, so screen readers hear who came or left.
    if (box.innerHTML !== fresh.innerHTML) {
      box.innerHTML = fresh.innerHTML;
    }
  }

  async function refreshPresence(pk) {
    const answer = await fetchLatest(`presence-${pk}`, urlFor(urls.presenceUrl, pk));
    if (answer && answer.status === 200) {
      showPresence(pk, answer.html);
    }
  }

  function announceNew(message, row) {
    const author = message && message.querySelector(".author");
    const name = (author || (row && row.querySelector(".name")) || {}).textContent;
    if (message || row) {
      announce(name && name.trim() ? fill(texts.newMessage, name.trim()) : texts.newMessageUnnamed);
    }
  }

  // Someone else's reply landed while this agent has an unsent reply in the composer.
  function warnRepliedOver(event, message) {
    const byOthers = event.direction === "out" && event.actor !== me;
    if (!byOthers || event.conversation !== openConversation()) {
      return;
    }
    const form = document.getElementById("reply-form");
    const box = form && form.querySelector("textarea");
    if (!box || !box.value.trim()) {
      return;
    }
    let text = texts.repliedElsewhere;
    if (event.actor) {
      const author = message && message.querySelector(".author");
      const name = author ? author.textContent.trim() : "";
      text = name ? fill(texts.replied, name) : texts.repliedUnnamed;
    }
    let warning = document.getElementById("live-replied");
    if (!warning) {
      warning = document.createElement("p");
      warning.id = "live-replied";
      warning.className = "alert live-warning";
      warning.setAttribute("role", "alert");
      form.before(warning);
    }
    warning.textContent = text;
  }

  // This tab's own change, already on screen: refreshing would only move the focus.
  const ownHere = (event) => event.actor === me && document.hasFocus();

  const handlers = {
    "message.created": async (event) => {
      const message = await refreshMessage(event);
      const row = await refreshRow(event.conversation, { toTop: true });
      if (event.direction === "in") {
        announceNew(message, row);
      }
      warnRepliedOver(event, message);
      refreshFoldersSoon();
    },
    // A send failed or went through: the Failed sends folder and its rows follow.
    "message.status": (event) => {
      refreshMessage(event);
      refreshRow(event.conversation);
      refreshFoldersSoon();
    },
    "message.updated": refreshMessage,
    "conversation.updated": (event) => {
      refreshRow(event.conversation);
      if (event.conversation === openConversation() && !ownHere(event)) {
        refreshPane(event.conversation, PANE_PARTS);
      }
      refreshFoldersSoon();
    },
    // Read in another tab of mine (this tab's own row is already up to date).
    "conversation.read": (event) => {
      if (!ownHere(event)) {
        refreshRow(event.conversation);
      }
      refreshFoldersSoon();
    },
    "note.created": (event) => {
      if (event.conversation === openConversation() && !ownHere(event)) {
        refreshPane(event.conversation, ["#thread"]);
      }
      refreshFoldersSoon();
    },
    presence: (event) => {
      if (event.actor !== me && event.conversation === openConversation()) {
        refreshPresence(event.conversation);
      }
    },
    "contact.updated": refreshCustomerPanel,
  };

  // Someone changed the customer on screen: their panel again, unless the agent is working
  // in it right now. It stays folded if the agent folded it.
  async function refreshCustomerPanel(event) {
    const panel = document.getElementById("customer-panel");
    if (!panel || panel.contains(document.activeElement)) {
      return;
    }
    const shown = (panel.dataset.contacts || "").split(",").map(Number);
    if (!(event.contacts || []).some((pk) => shown.includes(pk))) {
      return;
    }
    const answer = await fetchLatest("customer-panel", panel.dataset.panelUrl);
    const found = answer && answer.status === 200 ? parse(answer.html) : null;
    const fresh = found && found.querySelector("#customer-panel");
    const current = document.getElementById("customer-panel");
    if (!fresh || !current || current.contains(document.activeElement)) {
      return;
    }
    const folded = current.querySelector("details[data-remember]");
    const details = fresh.querySelector("details[data-remember]");
    if (folded && details) {
      details.open = folded.open;
    }
    swap(current, fresh);
  }

  // --- the stream -----------------------------------------------------------------------

  const notice = document.getElementById("live-status");
  let backoff = 1000;
  let interrupted = false;
  let source = null;

  function connect() {
    const stream = new EventSource(urls.eventsUrl);
    source = stream;
    const stop = () => {
      stream.close();
      if (source === stream) {
        source = null;
      }
    };
    stream.addEventListener("open", () => {
      backoff = 1000;
      notice.hidden = true;
      config.dataset.stream = "open";
      if (interrupted) {
        interrupted = false;
        catchUp();
      }
    });
    stream.addEventListener("error", () => {
      stop();
      interrupted = true;
      notice.hidden = false;
      config.dataset.stream = "reconnecting";
      const wait = backoff * (0.75 + Math.random() / 2);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      window.setTimeout(connect, wait);
    });
    // The server ends each stream after a while on purpose: come back at once, quietly.
    stream.addEventListener("reconnect", () => {
      stop();
      connect();
    });
    for (const type of Object.keys(handlers)) {
      stream.addEventListener(type, (message) => {
        let event;
        try {
          event = JSON.parse(message.data);
        } catch {
          return;
        }
        handlers[type](event);
      });
    }
  }

  // After an interruption events may have been missed: fetch what they would have changed.
  function catchUp() {
    refreshList();
    refreshFoldersSoon();
    const pk = openConversation();
    if (pk) {
      refreshPane(pk, PANE_PARTS);
    }
  }

  // --- presence: viewing, typing, left --------------------------------------------------------

  const presence = { pk: null, heartbeat: null, typingSentAt: 0, idle: null };

  async function sendPresence(pk, state) {
    try {
      const response = await fetch(urlFor(urls.presenceUrl, pk), {
        method: "POST",
        body: new URLSearchParams({ state }),
        headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (response.status === 200 && state !== "left") {
        showPresence(pk, await response.text());
      }
    } catch {
      // Presence is a hint: the next heartbeat tries again.
    }
  }

  function followOpenConversation() {
    const pk = openConversation();
    if (pk === presence.pk) {
      return;
    }
    if (presence.pk) {
      sendPresence(presence.pk, "left");
    }
    window.clearInterval(presence.heartbeat);
    window.clearTimeout(presence.idle);
    presence.pk = pk;
    presence.typingSentAt = 0;
    if (!pk) {
      return;
    }
    if (document.visibilityState === "visible") {
      sendPresence(pk, "viewing");
    }
    presence.heartbeat = window.setInterval(() => {
      if (document.visibilityState === "visible") {
        sendPresence(pk, "viewing");
      }
    }, HEARTBEAT_MS);
  }

  document.addEventListener("input", (event) => {
    const pk = presence.pk;
    if (!pk || !event.target.matches("#reply-form textarea")) {
      return;
    }
    const now = Date.now();
    if (now - presence.typingSentAt > TYPING_EVERY_MS) {
      presence.typingSentAt = now;
      sendPresence(pk, "typing");
    }
    window.clearTimeout(presence.idle);
    presence.idle = window.setTimeout(() => {
      presence.typingSentAt = 0;
      sendPresence(pk, "viewing");
    }, TYPING_IDLE_MS);
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && form.id === "reply-form" && status >= 200 && status < 300) {
      // Sent: no longer replying, and the warning was about the text just sent.
      document.getElementById("live-replied")?.remove();
      window.clearTimeout(presence.idle);
      presence.typingSentAt = 0;
      if (presence.pk) {
        sendPresence(presence.pk, "viewing");
      }
    }
  });

  document.addEventListener("htmx:afterSettle", followOpenConversation);
  document.addEventListener("htmx:historyRestore", followOpenConversation);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && presence.pk) {
      sendPresence(presence.pk, "viewing");
    }
  });
  window.addEventListener("pagehide", () => {
    if (source) {
      source.close();
      source = null;
    }
    if (presence.pk) {
      const body = new FormData();
      body.append("state", "left");
      body.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(urlFor(urls.presenceUrl, presence.pk), body);
    }
  });

  // Back to a page kept in the browser's cache: its stream was closed on the way out.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      interrupted = true;
      connect();
      presence.pk = null;
      followOpenConversation();
    }
  });

  connect();
  followOpenConversation();
})();
