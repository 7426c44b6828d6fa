// The composer: Reply / Note tabs, drafts that survive a reload, a character counter,
// Ctrl+Enter (Cmd+Enter) to send, and the suggestion lists ("/" canned responses in a
// reply, "@" teammates in a note). Every visible word comes from the server: the
// #composer-strings JSON block and the rendered options.
(() => {
  "use strict";

  const DRAFT_PREFIX = "socialcare:draft:";
  const NEAR_LIMIT = 0.9;
  let suggestSeq = 0;

  function strings() {
    const block = document.getElementById("composer-strings");
    try {
      return block ? JSON.parse(block.textContent) : {};
    } catch (error) {
      return {};
    }
  }

  function say(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, (match, name) =>
      name in values ? String(values[name]) : match,
    );
  }

  // --- modes --------------------------------------------------------------------------

  function setMode(composer, mode, focus) {
    composer.dataset.mode = mode;
    composer.querySelectorAll('[role="tab"]').forEach((tab) => {
      const active = tab.dataset.mode === mode;
      tab.setAttribute("aria-selected", String(active));
      tab.tabIndex = active ? 0 : -1;
    });
    composer.querySelectorAll(".composer-panel").forEach((panel) => {
      panel.hidden = panel.dataset.mode !== mode;
    });
    if (focus) {
      const field = composer.querySelector(`.composer-panel[data-mode="${mode}"] textarea`);
      if (field) field.focus();
    }
  }

  function initComposer(composer) {
    const tablist = composer.querySelector('[role="tablist"]');
    if (tablist) tablist.hidden = false;
    // The tab names the text box now: its own label stays for screen readers only.
    composer.classList.add("has-tabs");
    setMode(composer, composer.dataset.mode || "reply", false);
  }

  document.addEventListener("click", (event) => {
    const tab = event.target.closest && event.target.closest('.composer [role="tab"]');
    if (tab) setMode(tab.closest(".composer"), tab.dataset.mode, true);
  });

  document.addEventListener("keydown", (event) => {
    const tab = event.target.closest && event.target.closest('.composer [role="tab"]');
    if (!tab || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
    const tabs = Array.from(tab.parentElement.querySelectorAll('[role="tab"]'));
    // Arrows follow the reading direction: in Hebrew the next tab is on the left.
    const forward = (event.key === "ArrowRight") !== (document.dir === "rtl");
    const step = forward ? 1 : tabs.length - 1;
    const next = event.key === "Home" || event.key === "End"
      ? tabs[event.key === "Home" ? 0 : tabs.length - 1]
      : tabs[(tabs.indexOf(tab) + step) % tabs.length];
    event.preventDefault();
    setMode(tab.closest(".composer"), next.dataset.mode, false);
    next.focus();
  });

  // --- drafts -------------------------------------------------------------------------

  function draftKey(field) {
    const composer = field.closest(".composer");
    return composer ? `${DRAFT_PREFIX}${composer.dataset.conversation}:${field.dataset.draft}` : "";
  }

  function saveDraft(field) {
    const key = draftKey(field);
    if (!key) return;
    try {
      if (field.value.trim()) localStorage.setItem(key, field.value);
      else localStorage.removeItem(key);
    } catch (error) {
      // Storage full or disabled: the draft just does not survive a reload.
    }
  }

  function restoreDraft(field) {
    const key = draftKey(field);
    if (!key || field.value) return;
    try {
      const draft = localStorage.getItem(key);
      if (draft) field.value = draft;
    } catch (error) {
      // As above.
    }
  }

  function clearDraft(form) {
    form.querySelectorAll("textarea[data-draft]").forEach((field) => {
      try {
        localStorage.removeItem(draftKey(field));
      } catch (error) {
        // As above.
      }
    });
  }

  // A successful send swaps a fresh form in: drop the draft before it would be restored.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (form && form.matches && form.matches(".composer-panel") && event.detail.xhr.status === 200) {
      clearDraft(form);
    }
  });

  // A reply's (or note's) own live event can insert it before the send's answer is swapped
  // in. Keep the first copy, the live one and so the fresher: it is never shown twice.
  document.addEventListener("htmx:afterSwap", (event) => {
    const thread = document.getElementById("thread");
    if (!thread || event.detail.target !== thread) return;
    const seen = new Set();
    thread.querySelectorAll("li[id]").forEach((entry) => {
      if (seen.has(entry.id)) entry.remove();
      else seen.add(entry.id);
    });
  });

  // --- counter and what only public replies have --------------------------------------

  function isPublic(form) {
    const privately = form.querySelector('input[name="private"]');
    return !(privately && privately.checked);
  }

  function updateForm(form) {
    const field = form.querySelector("textarea");
    const publicReply = isPublic(form);
    form.querySelectorAll("[data-public-only]").forEach((element) => {
      element.hidden = !publicReply;
    });
    const counter = form.querySelector("[data-counter]");
    const limit = Number(form.dataset.limit || 0);
    if (!counter || !field || !limit) return;
    const signOff = publicReply ? form.dataset.signOff || "" : "";
    const text = field.value.trim();
    let count = Array.from(text).length;
    if (text && signOff) count += 1 + Array.from(signOff).length;
    const words = strings();
    counter.textContent = say(words.counter, { count, limit });
    const near = count >= limit * NEAR_LIMIT;
    const over = count > limit;
    counter.classList.toggle("is-near", near && !over);
    counter.classList.toggle("is-over", over);
    // The live region speaks only when the state changes, not on every keystroke.
    const live = form.querySelector("[data-counter-live]");
    const state = over ? "over" : near ? "near" : "ok";
    if (live && live.dataset.state !== state) {
      live.dataset.state = state;
      live.textContent = over
        ? say(words.over, { over: count - limit })
        : near
          ? say(words.left, { left: limit - count })
          : "";
    }
  }

  function initForm(form) {
    const field = form.querySelector("textarea[data-draft]");
    if (field) restoreDraft(field);
    updateForm(form);
  }

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!field.matches || !field.matches(".composer-panel textarea")) return;
    saveDraft(field);
    updateForm(field.form);
    suggest(field);
  });

  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (form && form.matches(".composer-panel")) updateForm(form);
  });

  // --- suggestion lists (the ARIA combobox pattern) ------------------------------------

  function listFor(field) {
    return document.getElementById(field.getAttribute("aria-controls"));
  }

  function options(list) {
    return Array.from(list.querySelectorAll('[role="option"]'));
  }

  function closeList(field) {
    const list = listFor(field);
    if (list) {
      list.hidden = true;
      list.replaceChildren();
    }
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
    delete field.dataset.tokenStart;
  }

  function activate(field, option) {
    const list = listFor(field);
    options(list).forEach((other) => other.setAttribute("aria-selected", String(other === option)));
    if (option) {
      field.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  // The word being typed before the caret, if it starts with the field's trigger.
  function tokenAt(field) {
    const before = field.value.slice(0, field.selectionStart);
    const trigger = field.dataset.trigger;
    const match = before.match(/(^|\s)(\S*)$/);
    const word = match ? match[2] : "";
    if (!word.startsWith(trigger) || word.length > 65) return null;
    return { start: before.length - word.length, query: word.slice(1) };
  }

  async function fetchOptions(field, params) {
    const form = field.form;
    const url = `${form.dataset.suggestUrl}?${new URLSearchParams(params)}`;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      return response.ok ? await response.text() : null;
    } catch (error) {
      return null; // Offline for a moment: no list this time, typing goes on.
    }
  }

  async function suggest(field) {
    if (!field.dataset.trigger) return;
    const seq = ++suggestSeq;
    const before = field.value.slice(0, field.selectionStart);
    // "/shortcut" then a space: expand at once when it names a canned response.
    const typed = field.dataset.trigger === "/" && before.match(/(^|\s)\/([^\s/]+) $/);
    if (typed) {
      closeList(field);
      const html = await fetchOptions(field, { shortcut: typed[2] });
      if (seq !== suggestSeq || !html) return;
      const holder = document.createElement("ul");
      holder.innerHTML = html;
      const option = holder.querySelector('[role="option"]');
      if (option) {
        const start = before.length - typed[2].length - 2;
        await choose(field, option, start, before.length);
      }
      return;
    }
    const token = tokenAt(field);
    if (!token) {
      closeList(field);
      return;
    }
    const html = await fetchOptions(field, { q: token.query });
    if (seq !== suggestSeq || html === null) return;
    const list = listFor(field);
    list.innerHTML = html;
    const found = options(list);
    const live = field.form.querySelector("[data-counter-live]");
    if (!found.length) {
      closeList(field);
      return;
    }
    field.dataset.tokenStart = String(token.start);
    list.hidden = false;
    field.setAttribute("aria-expanded", "true");
    activate(field, found[0]);
    if (live) live.textContent = say(strings().suggestions, { count: found.length });
  }

  async function choose(field, option, start, end) {
    let insert;
    if (option.dataset.useUrl) {
      insert = await useCanned(field, option);
      if (insert === null) return;
    } else {
      insert = `@${option.dataset.value} `;
    }
    const value = field.value;
    field.value = value.slice(0, start) + insert + value.slice(end);
    const caret = start + insert.length;
    field.setSelectionRange(caret, caret);
    closeList(field);
    field.focus();
    saveDraft(field);
    updateForm(field.form);
  }

  async function useCanned(field, option) {
    const token = field.form.querySelector('input[name="csrfmiddlewaretoken"]');
    try {
      const response = await fetch(option.dataset.useUrl, {
        method: "POST",
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) return (await response.json()).text;
    } catch (error) {
      // Said below, like a refusal.
    }
    const live = field.form.querySelector("[data-counter-live]");
    if (live) live.textContent = strings().insertFailed || "";
    return null;
  }

  function chooseActive(field) {
    const list = listFor(field);
    const option = list && list.querySelector('[aria-selected="true"]');
    if (!option) return false;
    const start = Number(field.dataset.tokenStart || 0);
    choose(field, option, start, field.selectionStart);
    return true;
  }

  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!field.matches || !field.matches(".composer-panel textarea")) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      closeList(field);
      field.form.requestSubmit();
      return;
    }
    if (field.getAttribute("aria-expanded") !== "true") return;
    const found = options(listFor(field));
    const current = found.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(field, found[(current + step + found.length) % found.length]);
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (chooseActive(field)) event.preventDefault();
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeList(field);
    }
  });

  // mousedown, not click: the field keeps its focus and caret.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest('.suggestions [role="option"]');
    if (!option) return;
    event.preventDefault();
    const field = document.querySelector(`[aria-controls="${option.parentElement.id}"]`);
    if (!field) return;
    activate(field, option);
    chooseActive(field);
  });

  document.addEventListener("focusout", (event) => {
    const field = event.target;
    if (field.matches && field.matches(".composer-panel textarea")) {
      // Let a click on an option land first.
      setTimeout(() => {
        if (document.activeElement !== field) closeList(field);
      }, 150);
    }
  });

  // --- wiring -------------------------------------------------------------------------

  function init(root) {
    const scope = root.querySelectorAll ? root : document;
    const composers = scope.matches && scope.matches(".composer")
      ? [scope]
      : Array.from(scope.querySelectorAll(".composer"));
    composers.forEach(initComposer);
    const forms = scope.matches && scope.matches(".composer-panel")
      ? [scope]
      : Array.from(scope.querySelectorAll(".composer-panel"));
    forms.forEach((form) => {
      const composer = form.closest(".composer");
      if (composer) form.hidden = form.dataset.mode !== (composer.dataset.mode || "reply");
      initForm(form);
    });
  }

  // htmx:load fires for the first page and for every swapped-in piece (a new pane, a
  // fresh form after a send, a refused form with what to fix).
  document.addEventListener("htmx:load", (event) => {
    init(event.detail.elt);
    const elt = event.detail.elt;
    if (elt.matches && elt.matches(".composer-panel") && !elt.hidden && elt.isConnected) {
      const field = elt.querySelector("textarea");
      if (field && document.activeElement === document.body) field.focus();
    }
  });
})();
