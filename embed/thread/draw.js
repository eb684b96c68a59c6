/* thread.js, draw: comments into the DOM, from API answers shaped like the server's first page
   (the server draws that one): avatars, replies nested to the site's depth, counts, the
   reader's own and held comments, pressed votes, and further pages.
   ES2017 at most: the language rule is in core.js. */
// A comment's optional parts (badges, pick, reply-to, edited, the held notice, Edit and Delete,
// the inline message) are in the page only where they show; the skeleton has them all.
const skeleton = template.content.firstElementChild;
const own = (item, selector) => item.querySelector(`:scope > .c-comment ${selector}`);
// The part named `name` of this comment (c-NAME), put back where the skeleton has it when
// `wanted`, removed when not; null when it is not there (a deleted comment has no buttons).
function part(item, name, wanted) {
  const found = own(item, `.c-${name}`);
  if (!wanted || found) {
    if (!wanted && found) { found.remove(); }
    return wanted ? found : null;
  }
  const model = skeleton.querySelector(`.c-${name}`);
  const parent = model.parentNode.matches(".c-comment") ? item.querySelector(":scope > .c-comment")
    : own(item, `.${model.parentNode.classList[0]}`);
  if (!parent) { return null; }
  const node = model.cloneNode(true);
  for (let before = model.previousElementSibling; before; before = before.previousElementSibling) {
    const same = parent.querySelectorAll(`:scope > .${before.classList[0]}`);
    if (same.length) { same[same.length - 1].after(node); return node; }
  }
  parent.insertBefore(node, parent.firstChild);
  return node;
}

// The same 5x5 mirrored pattern and hue the server draws, as the same classes (thread.css
// draws them; avatar_classes() in thread_view.py): hN for the hue, a1-e7 for the rows.
function drawAvatar(node, seed) {
  let classes = "c-avatar c-avatar-blank";
  if (/^[0-9a-f]{11,}$/.test(seed || "")) {
    const bits = parseInt(seed.slice(0, 4), 16);
    classes = `c-avatar h${Math.floor(parseInt(seed.slice(8, 11), 16) % 360 / 10)}`;
    for (let row = 0; row < 5; row++) {
      const cells = bits >> 3 * row & 7;
      if (cells) { classes += ` ${"abcde"[row]}${cells}`; }
    }
  }
  node.className = classes;
}

function setVotes(item, likes, dislikes) {
  const buttons = $$(":scope > .c-comment .c-vote", item);
  if (buttons.length < 2) { return; }
  buttons[0].textContent = likes;
  buttons[0].setAttribute("aria-label", `${t("like")}: ${t("likes", { n: likes })}`);
  buttons[1].textContent = dislikes;
  buttons[1].setAttribute("aria-label", `${t("dislike")}: ${t("dislikes", { n: dislikes })}`);
}

function build(c, level, replyTo) {
  const item = template.content.firstElementChild.cloneNode(true);
  const gone = c.status === "deleted";
  item.id = `comment-${c.id}`;
  item.setAttribute("data-id", c.id);
  item.setAttribute("data-level", level);
  item.setAttribute("data-author", gone ? "" : c.author);
  drawAvatar(item.querySelector(".c-avatar"), gone ? "" : c.avatar);
  const author = item.querySelector(".c-author");
  author.id = `c-by-${c.id}`;
  if (!gone) {
    item.querySelector(".c-comment").setAttribute("aria-labelledby", author.id);
    const name = c.author || t("anonymous");
    if (c.website && /^https?:\/\//i.test(c.website)) {
      const link = document.createElement("a");
      link.href = c.website;
      link.rel = "nofollow ugc noopener";
      link.textContent = name;
      author.appendChild(link);
    } else {
      author.textContent = name;
    }
  }
  // Identity: as the server draws them (templates/embed/_comment.html).
  const badges = part(item, "badges", !gone && !!(c.verified || (c.badges && c.badges.length)));
  if (badges) {
    const badge = (text, name) => {
      const node = document.createElement("span");
      node.className = name === undefined ? "c-badge c-verified" : "c-badge";
      if (name !== undefined) { node.setAttribute("data-badge", name); }
      node.textContent = text;
      badges.appendChild(node);
    };
    if (c.verified) { badge(t("verified")); }
    (c.badges || []).forEach((name) => { badge(name === "staff" ? t("badge_staff") : name, name); });
  }
  part(item, "pick", !!c.featured && !gone);
  const to = part(item, "reply-to", !!replyTo);
  if (to) { to.textContent = t("in_reply_to", { name: replyTo }); }
  item.querySelector(".c-permalink").href = `${config.url}#comment-${c.id}`;
  item.querySelector("time").setAttribute("datetime", c.created_at);
  part(item, "edited", !!c.edited_at);
  part(item, "notice", c.status === "pending");
  ["edit", "delete", "inline"].forEach((name) => { part(item, name, false); }); // markMine, inline
  const body = item.querySelector(".c-body");
  if (gone) {
    item.classList.add("c-gone");
    body.innerHTML = "";
    const removed = document.createElement("p");
    removed.className = "c-removed";
    removed.textContent = c.removal_ground ? t(`removed_${c.removal_ground}`) : t("deleted");
    body.appendChild(removed);
    item.querySelector(".c-actions").remove();
  } else {
    body.innerHTML = c.html; // sanitized once by the server when written
    setVotes(item, c.likes, c.dislikes);
    pressVotes(item, 0); // toggle buttons, none pressed yet: pressStoredVotes() presses the reader's
  }
  if (c.status === "pending") {
    // Held: nobody else sees it yet, so there is nothing to vote on, answer or report.
    $$(".c-vote, .c-reply, .c-flag", item.querySelector(".c-actions")).forEach((node) => { node.hidden = true; });
  }
  refreshTimes(item);
  return item;
}

// Replies nest up to the site's depth; deeper ones are listed flat under the last level, oldest
// first, each saying whom it answers.
function place(c, level, target) {
  const drawn = document.getElementById(`comment-${c.id}`);
  if (drawn) { drawn.remove(); } // shown live before its page was loaded: it moves here
  const item = build(c, level);
  target.appendChild(item);
  const replies = item.querySelector(".c-replies");
  if (level + 1 < config.depth) {
    (c.replies || []).forEach((reply) => { place(reply, level + 1, replies); });
    return item;
  }
  const found = [];
  const stack = (c.replies || []).map((reply) => [reply, c]);
  while (stack.length) {
    const pair = stack.pop();
    found.push(pair);
    (pair[0].replies || []).forEach((reply) => { stack.push([reply, pair[0]]); });
  }
  found.sort(([a], [b]) => a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id);
  found.forEach(([reply, parent]) => {
    const parentName = parent === c ? null : (parent.status === "approved" ? parent.author || t("anonymous") : "?");
    replies.appendChild(build(reply, config.depth, parentName));
  });
  return item;
}

function insertReply(parent, c) {
  const level = parseInt(parent.getAttribute("data-level"), 10);
  if (level < config.depth) {
    return parent.querySelector(".c-replies").appendChild(build(c, level + 1));
  }
  const container = parent.parentNode.closest(".c-item") || parent;
  const name = parent.getAttribute("data-author") || t("anonymous");
  return container.querySelector(".c-replies").appendChild(build(c, config.depth, name));
}

function showCount() {
  $("#c-count").textContent = t("count", { n: count });
  $("#c-empty").hidden = !!list.querySelector(".c-item");
  $(".c-sort").hidden = !count; // nothing to sort before a comment is public
  tell({ type: "count", uri: config.uri, count });
}

function markMine(scope) {
  const all = mine();
  const now = Date.now();
  Object.keys(all).forEach((id) => {
    const item = document.getElementById(`comment-${id}`);
    if (!item || (scope && !scope.contains(item))) { return; }
    const entry = all[id];
    const open = entry.until > now;
    item.classList.add("c-mine");
    part(item, "edit", open);
    part(item, "delete", open);
    if (entry.pending && !item.hasAttribute("data-pending")) {
      remember(id, { pending: null }); // it is public now: a moderator approved it
    }
  });
}

function showPending() {
  const all = mine();
  Object.keys(all).forEach((id) => {
    const entry = all[id];
    if (!entry.pending || entry.uri !== config.uri || document.getElementById(`comment-${id}`)) { return; }
    const parent = entry.pending.parent_id && document.getElementById(`comment-${entry.pending.parent_id}`);
    const item = parent ? insertReply(parent, entry.pending) : list.insertBefore(build(entry.pending, 0), list.firstChild);
    item.setAttribute("data-pending", "1");
  });
}

function pressVotes(item, value) {
  $$(":scope > .c-comment .c-vote", item).forEach((node) => {
    node.setAttribute("aria-pressed", String(parseInt(node.getAttribute("data-value"), 10) === value));
  });
}

function pressStoredVotes() {
  // The server sends the vote buttons without aria-pressed (200 attributes fewer a page).
  $$(".c-vote:not([aria-pressed])", list).forEach((node) => { node.setAttribute("aria-pressed", "false"); });
  const votes = load(VOTES);
  Object.keys(votes).forEach((id) => {
    const item = document.getElementById(`comment-${id}`);
    if (item) { pressVotes(item, votes[id]); }
  });
}

function showPage(answer, replace) {
  const more = $("#c-more");
  if (answer.status !== 200) { announce(problem(answer)); return false; }
  if (replace) { list.innerHTML = ""; }
  answer.data.comments.forEach((c) => { place(c, 0, list); });
  next = answer.data.next;
  more.setAttribute("data-next", next || "");
  more.hidden = !next;
  count = answer.data.thread.count;
  showPending();
  markMine();
  pressStoredVotes();
  showCount();
  return true;
}

function loadMore() {
  const more = $("#c-more");
  more.disabled = true;
  more.textContent = t("loading");
  return getPage(next).then((answer) => {
    more.disabled = false;
    more.textContent = t("load_more");
    return showPage(answer, false);
  });
}
