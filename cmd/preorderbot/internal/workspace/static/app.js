// The demo workspace page. The server renders every message and modal to escaped HTML (the "html"
// fields); this script inserts only those as markup and sets every other string as text.
"use strict";

const page = {
  channel: "",       // current channel id
  thread: null,      // {channel, ts} of the open thread panel
  state: null,       // last /api/state answer
  viewKey: "",       // id + hash of the modal on screen
  unread: new Set(), // channel ids with messages not yet seen
};

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const resp = await fetch(path, opts);
  let data = {};
  try { data = await resp.json(); } catch (e) { /* empty body */ }
  if (!resp.ok) throw new Error(data.error || resp.statusText);
  return data;
}

// ---- times -----------------------------------------------------------------------------------

// Slack shows a date token (<!date^unix^format|fallback>) in the reader's time zone; the server renders
// the token as <time datetime data-format>, and the page formats it again in the browser's zone, so every
// time on the page (a card, a modal's text, its date picker) is in one zone.
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pad = (n) => String(n).padStart(2, "0");

function clockTime(d, secs) {
  const h = d.getHours() % 12 || 12;
  return h + ":" + pad(d.getMinutes()) + (secs ? ":" + pad(d.getSeconds()) : "") + (d.getHours() < 12 ? " AM" : " PM");
}

function ago(d) {
  let s = Math.round((Date.now() - d.getTime()) / 1000);
  const future = s < 0;
  s = Math.abs(s);
  if (s < 60) return "just now";
  const v = s < 3600 ? Math.floor(s / 60) + " min" : s < 48 * 3600 ? Math.floor(s / 3600) + " h" : Math.floor(s / 86400) + " days";
  return future ? "in " + v : v + " ago";
}

function slackDate(d, format) {
  const long = weekdays[d.getDay()] + ", " + months[d.getMonth()] + " " + d.getDate() + ", " + d.getFullYear();
  const plain = months[d.getMonth()] + " " + d.getDate() + ", " + d.getFullYear();
  const short = months[d.getMonth()].slice(0, 3) + " " + d.getDate() + ", " + d.getFullYear();
  const tokens = {
    "{date_num}": d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()),
    "{date}": plain, "{date_short}": short, "{date_long}": long,
    "{date_pretty}": plain, "{date_short_pretty}": short, "{date_long_pretty}": long,
    "{time}": clockTime(d, false), "{time_secs}": clockTime(d, true), "{ago}": ago(d),
  };
  return format.replace(/\{[a-z_]+\}/g, (t) => (t in tokens ? tokens[t] : t));
}

// localTimes formats every date token under root in the browser's time zone.
function localTimes(root) {
  for (const t of root.querySelectorAll("time[data-format]")) {
    const d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) t.textContent = slackDate(d, t.dataset.format);
  }
}

// ---- rendering -------------------------------------------------------------------------------

function renderMessage(m, inThread) {
  const row = el("div", "msg" + (m.ephemeral ? " ephemeral" : ""));
  row.dataset.ts = m.ts;
  if (m.ephemeral) row.dataset.ephemeral = "1";
  const avatar = el("div", "avatar" + (m.bot ? " bot" : ""), (m.author || "?").charAt(0).toUpperCase());
  const main = el("div", "msg-main");
  const head = el("div", "msg-head");
  head.append(el("span", "author", m.author));
  if (m.bot) head.append(el("span", "app-badge", "APP"));
  head.append(el("span", "time", m.at ? clockTime(new Date(m.at * 1000), false) : m.time));
  if (m.edited) head.append(el("span", "edited", "(edited)"));
  const body = el("div", "msg-body");
  body.innerHTML = m.html; // server-rendered, escaped
  localTimes(body);
  main.append(head, body);
  if (m.files && m.files.length) {
    const files = el("div", "files");
    for (const f of m.files) {
      const a = el("a", "", "📄 " + f.title);
      a.href = "/api/files/" + encodeURIComponent(f.id);
      files.append(a);
    }
    main.append(files);
  }
  if (m.reactions && m.reactions.length) {
    const rs = el("div", "reactions");
    for (const r of m.reactions) {
      const span = el("span", "reaction", r.emoji + " " + r.count);
      span.title = ":" + r.name + ":";
      rs.append(span);
    }
    main.append(rs);
  }
  if (!inThread && m.replies > 0) {
    const link = el("button", "reply-count", m.replies + (m.replies === 1 ? " reply" : " replies"));
    link.type = "button";
    link.dataset.openThread = m.ts;
    main.append(link);
  }
  if (m.ephemeral) main.append(el("div", "ephemeral-note", "Only visible to you"));
  row.append(avatar, main);
  return row;
}

// renderList updates a message list in place: unchanged messages keep their DOM (and focus, selection).
function renderList(container, messages, inThread) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
  const old = new Map();
  for (const child of container.children) old.set(child.dataset.key, child);
  const keep = new Set();
  let prev = null;
  for (const m of messages) {
    const key = (m.ephemeral ? "e" : "m") + m.ts;
    const sig = JSON.stringify(m);
    let node = old.get(key);
    if (!node || node.dataset.sig !== sig) {
      const fresh = renderMessage(m, inThread);
      fresh.dataset.key = key;
      fresh.dataset.sig = sig;
      if (node) node.replaceWith(fresh);
      node = fresh;
    }
    keep.add(key);
    const want = prev ? prev.nextSibling : container.firstChild;
    if (want !== node) container.insertBefore(node, want);
    prev = node;
  }
  for (const [key, node] of old) if (!keep.has(key)) node.remove();
  if (atBottom) container.scrollTop = container.scrollHeight;
}

function renderChannels(s) {
  const ul = $("channels");
  ul.replaceChildren();
  for (const c of s.channels) {
    const li = el("li");
    const a = el("a", "", "# " + c.name);
    a.href = "#" + c.id;
    a.dataset.channel = c.id;
    if (c.id === page.channel) a.classList.add("active");
    if (page.unread.has(c.id)) a.classList.add("unread");
    li.append(a);
    ul.append(li);
    if (c.id === page.channel) $("channel-name").textContent = "# " + c.name;
  }
  $("me").textContent = s.user.realName + " (operator)";
}

function renderScenarios(s) {
  const panel = $("scenarios");
  if (!s.scenarios || !s.scenarios.length) { panel.hidden = true; return; }
  const list = $("scenario-list");
  list.replaceChildren();
  for (const sc of s.scenarios) {
    const card = el("div", "scenario" + (sc.name === s.scenario ? " current" : ""));
    card.dataset.scenario = sc.name;
    card.append(el("h3", "", sc.title), el("div", "name", sc.name), el("p", "", sc.description));
    const row = el("div", "row");
    if (sc.name === s.scenario) {
      row.append(el("span", "current-label", "✓ Active"));
    } else {
      const use = el("button", "btn use-scenario", "Use this scenario");
      use.type = "button";
      use.dataset.useScenario = sc.name;
      row.append(use);
    }
    for (const sku of sc.skus) {
      const b = el("button", "sku", sku);
      b.type = "button";
      b.dataset.sku = sku;
      b.title = "Prefill /preorder check " + sku;
      row.append(b);
    }
    card.append(row);
    list.append(card);
  }
}

function renderModal(s) {
  const top = s.views.length ? s.views[s.views.length - 1] : null;
  const backdrop = $("modal-backdrop");
  if (!top) {
    backdrop.hidden = true;
    page.viewKey = "";
    return;
  }
  const key = top.id + "/" + top.hash;
  if (key === page.viewKey) return; // keep what the user typed
  page.viewKey = key;
  const form = $("modal");
  form.dataset.viewId = top.id;
  $("modal-title").textContent = top.title;
  $("modal-body").innerHTML = top.html; // server-rendered, escaped
  localTimes($("modal-body"));
  $("modal-error").textContent = "";
  $("modal-cancel").textContent = top.close || "Cancel";
  $("modal-submit").textContent = top.submit;
  $("modal-submit").hidden = !top.submit;
  for (const input of form.querySelectorAll('[data-type="datetimepicker"]')) {
    if (input.dataset.initial) input.value = localDateTime(new Date(Number(input.dataset.initial) * 1000));
  }
  backdrop.hidden = false;
  const first = form.querySelector("[data-input]");
  if (first) first.focus();
}

function localDateTime(d) {
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
}

// ---- state -----------------------------------------------------------------------------------

let refreshing = null;
let again = false;

// refresh re-fetches the channel (and the open thread); calls during a fetch coalesce into one more.
async function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    do {
      again = false;
      try {
        const s = await api("GET", "/api/state?channel=" + encodeURIComponent(page.channel));
        page.state = s;
        page.channel = s.channel;
        page.unread.delete(s.channel);
        renderChannels(s);
        renderList($("messages"), s.messages, false);
        renderScenarios(s);
        renderModal(s);
        if (page.thread) await refreshThread();
      } catch (e) {
        $("composer-error").textContent = e.message;
      }
    } while (again);
    refreshing = null;
  })();
  return refreshing;
}

async function refreshThread() {
  const t = page.thread;
  try {
    const data = await api("GET", "/api/thread?channel=" + encodeURIComponent(t.channel) + "&ts=" + encodeURIComponent(t.ts));
    renderList($("thread-messages"), data.messages, true);
  } catch (e) {
    closeThread();
  }
}

function openThread(ts) {
  page.thread = { channel: page.channel, ts };
  $("thread").hidden = false;
  $("scenarios").hidden = true;
  $("thread-messages").replaceChildren();
  refreshThread();
}

function closeThread() {
  page.thread = null;
  $("thread").hidden = true;
  $("scenarios").hidden = !(page.state && page.state.scenarios && page.state.scenarios.length);
}

// openPermalink shows a Slack permalink's message: its channel, and its thread beside it.
async function openPermalink(channel, ts) {
  if (channel !== page.channel) {
    page.channel = channel;
    closeThread();
    $("messages").replaceChildren();
    history.replaceState(null, "", "#" + channel);
    await refresh();
  }
  openThread(ts);
}

function switchChannel(id) {
  if (id === page.channel) return;
  page.channel = id;
  closeThread();
  $("messages").replaceChildren();
  history.replaceState(null, "", "#" + id);
  refresh();
}

// ---- live updates ----------------------------------------------------------------------------

function listen() {
  const es = new EventSource("/api/events");
  es.onopen = () => { $("live").classList.add("on"); refresh(); };
  es.onerror = () => { $("live").classList.remove("on"); };
  es.addEventListener("change", (msg) => {
    const ev = JSON.parse(msg.data);
    if (ev.channel && ev.channel !== page.channel && ev.kind === "message_posted") page.unread.add(ev.channel);
    refresh();
  });
}

// ---- actions ---------------------------------------------------------------------------------

async function send(textarea, errorBox, threadTs) {
  const text = textarea.value.trim();
  if (!text) return;
  errorBox.textContent = "";
  try {
    await api("POST", "/api/send", { channel: page.channel, text, threadTs: threadTs || "" });
    textarea.value = "";
  } catch (e) {
    errorBox.textContent = e.message;
  }
  refresh();
}

// confirmFirst shows a button's confirm dialog and resolves true when the user confirms.
function confirmFirst(button) {
  if (!button.dataset.confirmTitle && !button.dataset.confirmText) return Promise.resolve(true);
  $("confirm-title").textContent = button.dataset.confirmTitle;
  $("confirm-text").innerHTML = button.dataset.confirmText; // server-rendered, escaped
  localTimes($("confirm-text"));
  $("confirm-yes").textContent = button.dataset.confirmYes;
  $("confirm-yes").className = "btn " + (button.dataset.confirmStyle === "danger" ? "btn-danger" : "btn-primary");
  $("confirm-no").textContent = button.dataset.confirmNo;
  $("confirm-backdrop").hidden = false;
  $("confirm-yes").focus();
  return new Promise((resolve) => {
    const done = (ok) => {
      $("confirm-backdrop").hidden = true;
      $("confirm-yes").onclick = null;
      $("confirm-no").onclick = null;
      resolve(ok);
    };
    $("confirm-yes").onclick = () => done(true);
    $("confirm-no").onclick = () => done(false);
  });
}

async function pressButton(button) {
  if (!(await confirmFirst(button))) return;
  if (button.dataset.url) window.open(button.dataset.url, "_blank", "noopener");
  const body = { button: button.dataset.button };
  const form = button.closest("#modal");
  if (form) {
    body.viewId = form.dataset.viewId;
  } else {
    const msg = button.closest(".msg");
    body.ts = msg.dataset.ts;
    body.channel = button.closest("#thread") ? page.thread.channel : page.channel;
  }
  button.disabled = true;
  try {
    await api("POST", "/api/click", body);
  } catch (e) {
    (form ? $("modal-error") : $("composer-error")).textContent = e.message;
  } finally {
    button.disabled = false;
  }
}

function modalValues(form) {
  const values = {};
  for (const input of form.querySelectorAll("[data-input]")) {
    let v = input.value.trim();
    if (v === "") continue;
    if (input.dataset.type === "datetimepicker") v = String(Math.floor(new Date(v).getTime() / 1000));
    (values[input.dataset.block] ||= {})[input.dataset.action] = v;
  }
  return values;
}

async function submitModal(ev) {
  ev.preventDefault();
  const form = $("modal");
  for (const box of form.querySelectorAll("[data-error-for]")) box.textContent = "";
  for (const box of form.querySelectorAll(".b-input.has-error")) box.classList.remove("has-error");
  $("modal-error").textContent = "";
  $("modal-submit").disabled = true;
  try {
    const res = await api("POST", "/api/submit", { viewId: form.dataset.viewId, values: modalValues(form) });
    for (const [block, message] of Object.entries(res.errors || {})) {
      for (const box of form.querySelectorAll("[data-error-for]")) {
        if (box.dataset.errorFor === block) {
          box.textContent = message;
          box.closest(".b-input").classList.add("has-error");
        }
      }
    }
  } catch (e) {
    $("modal-error").textContent = e.message;
  } finally {
    $("modal-submit").disabled = false;
  }
  refresh();
}

async function closeModal() {
  const form = $("modal");
  try {
    await api("POST", "/api/close", { viewId: form.dataset.viewId });
  } catch (e) { /* already closed */ }
  refresh();
}

async function useScenario(name) {
  try {
    await api("POST", "/api/scenario", { name });
  } catch (e) {
    $("composer-error").textContent = e.message;
  }
  refresh();
}

// ---- wiring ----------------------------------------------------------------------------------

function onEnterSend(textarea, form) {
  textarea.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const fromHash = decodeURIComponent(location.hash.slice(1));
  page.channel = fromHash;

  $("composer-form").addEventListener("submit", (ev) => { ev.preventDefault(); send($("composer"), $("composer-error")); });
  $("thread-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (page.thread) send($("thread-composer"), $("thread-error"), page.thread.ts);
  });
  onEnterSend($("composer"), $("composer-form"));
  onEnterSend($("thread-composer"), $("thread-form"));
  $("thread-close").addEventListener("click", closeThread);
  $("modal").addEventListener("submit", submitModal);
  $("modal-x").addEventListener("click", closeModal);
  $("modal-cancel").addEventListener("click", closeModal);

  document.addEventListener("click", (ev) => {
    const t = ev.target.closest("[data-button], [data-open-thread], [data-channel], [data-use-scenario], [data-sku], [data-permalink-channel]");
    if (!t) return;
    if (t.dataset.button !== undefined) { pressButton(t); return; }
    ev.preventDefault();
    if (t.dataset.permalinkChannel) openPermalink(t.dataset.permalinkChannel, t.dataset.permalinkTs);
    else if (t.dataset.openThread) openThread(t.dataset.openThread);
    else if (t.dataset.channel) switchChannel(t.dataset.channel);
    else if (t.dataset.useScenario) useScenario(t.dataset.useScenario);
    else if (t.dataset.sku) {
      $("composer").value = "/preorder check " + t.dataset.sku;
      $("composer").focus();
    }
  });

  refresh();
  listen();
});
