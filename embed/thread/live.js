/* thread.js, live: the conversation moves while the reader watches. The page polls the thread's
   newest page, the one URL every reader of the thread shares, so a CDN answers most polls and
   the origin answers the rest with a 304 from the fast lane (the browser revalidates with the
   ETag it holds). Arrivals never move the page: they are counted on a "N new comments" button
   and announced politely; the reader's click shows them in place (replies under their parents)
   and moves focus to the first. Edits and deletions are applied where they stand.
   Cost: one request per poll, none while the tab is hidden, slower when the thread is quiet.
   ES2017 at most: the language rule is in core.js. */
const LIVE_POLL = config.live ? config.live.poll : 0; // seconds; 0 switches live updates off
// Quiet for this many seconds: poll this many times less often (at most once a minute).
const LIVE_QUIET = [[180, 2], [600, 3], [1800, 6]];
const live = { etag: null, known: null, signs: {}, waiting: new Map(), timer: 0, busy: false,
  lastPoll: 0, lastChange: Date.now(), button: null };

function liveDelay(quietSeconds, poll) {
  let factor = 1;
  LIVE_QUIET.forEach(([after, times]) => { if (quietSeconds >= after) { factor = times; } });
  return Math.min(poll * factor, Math.max(poll, 60)) * 1000;
}

function getNewest() {
  const query = `?site=${encodeURIComponent(config.site)}&uri=${encodeURIComponent(config.uri)}` +
    `&sort=newest&limit=${config.limit}`;
  // no-cache: the browser asks with If-None-Match and hands back its copy on a 304.
  return fetch(`${API}/comments${query}`, { credentials: "same-origin", cache: "no-cache" }).then((response) => {
    const etag = response.headers.get("ETag");
    if (response.status !== 200 || (etag && etag === live.etag)) { return { status: response.status, same: true }; }
    return response.json().then((data) => ({ status: 200, data, etag }), () => ({ status: 0 }));
  }, () => ({ status: 0 }));
}

function liveWalk(comments, visit) {
  const stack = comments.slice().reverse().map((c) => [c, null, c]);
  while (stack.length) {
    const [c, parent, root] = stack.pop();
    visit(c, parent, root);
    (c.replies || []).slice().reverse().forEach((reply) => { stack.push([reply, c, root]); });
  }
}

// What the server's page showed, for comments no answer has described yet.
function liveDrawnDiffers(item, c) {
  const gone = item.classList.contains("c-gone");
  const edited = !!own(item, ".c-edited");
  return gone !== (c.status === "deleted") || edited !== !!c.edited_at;
}

function liveSign(c) { return `${c.status}|${c.edited_at || ""}|${c.html.length}`; }

function liveUpdate(item, c) {
  const level = parseInt(item.getAttribute("data-level"), 10) || 0;
  if (c.status === "deleted") {
    const fresh = build(c, level);
    item.classList.add("c-gone");
    item.querySelector(".c-comment").replaceWith(fresh.querySelector(".c-comment"));
    return;
  }
  item.querySelector(".c-body").innerHTML = c.html; // sanitized once by the server when written
  part(item, "edited", !!c.edited_at);
  setVotes(item, c.likes, c.dislikes);
}

// Comments that were public and are gone from an answer that still covers them.
function liveRemoved(answer, seen, roots) {
  const tops = answer.data.comments;
  const complete = !answer.data.next;
  const from = tops.length ? tops[tops.length - 1].created_at : "";
  $$(".c-item[data-id]", list).forEach((item) => {
    const id = parseInt(item.getAttribute("data-id"), 10);
    if (seen.has(id) || item.hasAttribute("data-pending") || !live.known.has(id)) { return; }
    const top = item.closest("#c-list > .c-item");
    const time = top.querySelector(":scope > .c-comment time[datetime]");
    const stamp = time ? time.getAttribute("datetime") : "";
    const covered = complete || (top === item ? stamp >= from : roots.has(parseInt(top.getAttribute("data-id"), 10)));
    if (!covered) { return; }
    if (item.querySelector(".c-replies .c-item")) {
      liveUpdate(item, { status: "deleted", id, replies: [] });
    } else {
      item.remove();
    }
  });
}

function liveApply(answer) {
  const first = live.known === null;
  if (first) { live.known = new Set(); }
  live.etag = answer.etag;
  const seen = new Set();
  const roots = new Set();
  let changed = false;
  liveWalk(answer.data.comments, (c, parent, root) => {
    seen.add(c.id);
    roots.add(root.id);
    const item = document.getElementById(`comment-${c.id}`);
    const sign = liveSign(c);
    const before = live.signs[c.id];
    if (item && (before !== undefined ? before !== sign : liveDrawnDiffers(item, c))) {
      liveUpdate(item, c);
      changed = true;
    } else if (!item && !first && !live.known.has(c.id) && c.status === "approved" &&
               (!parent || document.getElementById(`comment-${parent.id}`) || live.waiting.has(parent.id))) {
      live.waiting.set(c.id, { c, parent: parent ? parent.id : null });
      changed = true;
    }
    live.known.add(c.id);
    live.signs[c.id] = sign;
  });
  if (!first) { liveRemoved(answer, seen, roots); }
  if (changed || answer.data.thread.count !== count) { live.lastChange = Date.now(); }
  liveButton();
}

function liveButton() {
  const n = live.waiting.size;
  const before = live.button.getAttribute("data-n");
  live.button.hidden = !n;
  live.button.textContent = t("live_new", { n });
  live.button.setAttribute("data-n", n);
  if (n && String(n) !== before) { announce(t("live_arrived", { n })); }
}

function liveShow() {
  const shown = [];
  const tops = [];
  live.waiting.forEach(({ c, parent }) => {
    if (document.getElementById(`comment-${c.id}`)) { return; }
    if (!parent) { tops.push(c); return; }
    const above = document.getElementById(`comment-${parent}`);
    if (above) { shown.push(insertReply(above, c)); }
  });
  if (sort === "newest") {
    tops.slice().reverse().forEach((c) => { shown.unshift(list.insertBefore(place(c, 0, list), list.firstChild)); });
  } else {
    tops.sort((a, b) => a.created_at < b.created_at ? -1 : 1).forEach((c) => { shown.push(place(c, 0, list)); });
  }
  live.waiting.clear();
  shown.forEach((item) => { item.classList.add("c-new"); });
  count = Math.max(count, list.querySelectorAll(".c-item:not(.c-gone)").length);
  markMine();
  pressStoredVotes();
  showCount();
  liveButton();
  if (shown.length) {
    const first = shown[0].querySelector(".c-comment");
    first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: true });
    announce(t("live_shown", { n: shown.length }));
  }
}

function livePoll() {
  live.timer = 0;
  if (document.hidden || live.busy) { return; }
  live.busy = true;
  live.lastPoll = Date.now();
  getNewest().then((answer) => {
    live.busy = false;
    if (answer.status === 200 && !answer.same) { liveApply(answer); }
    liveSchedule();
  });
}

function liveSchedule() {
  if (live.timer) { window.clearTimeout(live.timer); }
  live.timer = 0;
  if (document.hidden || !LIVE_POLL) { return; }
  const wait = liveDelay((Date.now() - live.lastChange) / 1000, LIVE_POLL);
  live.timer = window.setTimeout(livePoll, Math.max(0, live.lastPoll + wait - Date.now()));
}

function startLive() {
  if (!LIVE_POLL) { return; }
  live.button = document.createElement("button");
  live.button.type = "button";
  live.button.className = "c-button c-live";
  live.button.id = "c-live";
  live.button.hidden = true;
  live.button.addEventListener("click", liveShow);
  list.parentNode.insertBefore(live.button, list);
  document.addEventListener("visibilitychange", liveSchedule);
  // The server's page is the baseline when it holds the newest comments (all of them, or the
  // newest first): then the first poll, a full interval after load, already finds arrivals.
  // Otherwise (an older page of a long thread) that first answer is the baseline.
  if (!next || sort === "newest") {
    live.known = new Set($$(".c-item[data-id]", list).map((item) => parseInt(item.getAttribute("data-id"), 10)));
  }
  live.lastPoll = Date.now(); // no request at load: the page was just rendered
  liveSchedule();
}
window.commentsLive = { delay: liveDelay, poll: LIVE_POLL };
