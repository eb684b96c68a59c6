/* thread.js, draw: comments into the DOM, from API answers shaped like the server's first page
   (the server draws that one): avatars, replies nested to the site's depth, counts, the
   reader's own and held comments, pressed votes, and further pages.
   ES2017 at most: the language rule is in core.js. */
const SVG = "http://www.w3.org/2000/svg";
// The same 5x5 mirrored pattern the server draws (avatar() in thread_view.py).
function drawAvatar(svg, seed) {
  while (svg.firstChild) { svg.removeChild(svg.firstChild); }
  const valid = /^[0-9a-f]{11,}$/.test(seed || "");
  svg.classList.toggle("c-avatar-blank", !valid);
  if (!valid) { return; }
  const bits = parseInt(seed.slice(0, 4), 16);
  const hue = parseInt(seed.slice(8, 11), 16) % 360;
  const shape = (name, attributes) => {
    const node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach((key) => node.setAttribute(key, attributes[key]));
    svg.appendChild(node);
  };
  let cells = "";
  for (let i = 0; i < 15; i++) {
    if (bits >> i & 1) {
      const col = i % 3, row = Math.floor(i / 3);
      cells += `M${col} ${row}h1v1h-1z`;
      if (col < 2) { cells += `M${4 - col} ${row}h1v1h-1z`; }
    }
  }
  shape("rect", { width: 5, height: 5, fill: `hsl(${hue},60%,92%)` });
  shape("path", { fill: `hsl(${hue},50%,42%)`, d: cells });
}

function setVotes(item, likes, dislikes) {
  const buttons = $$(".c-vote", item.querySelector(".c-actions") || item);
  if (buttons.length < 2) { return; }
  buttons[0].querySelector(".c-n").textContent = likes;
  buttons[0].setAttribute("aria-label", `${t("like")}: ${t("likes", { n: likes })}`);
  buttons[1].querySelector(".c-n").textContent = dislikes;
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
  if (!gone) {
    const badges = item.querySelector(".c-badges");
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
  item.querySelector(".c-pick").hidden = !(c.featured && !gone);
  if (replyTo) {
    const to = item.querySelector(".c-reply-to");
    to.textContent = t("in_reply_to", { name: replyTo });
    to.hidden = false;
  }
  item.querySelector(".c-permalink").href = `${config.url}#comment-${c.id}`;
  item.querySelector("time").setAttribute("datetime", c.created_at);
  item.querySelector(".c-edited").hidden = !c.edited_at;
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
  }
  if (c.status === "pending") {
    item.querySelector(".c-notice").hidden = false;
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
    $$(":scope > .c-comment .c-edit, :scope > .c-comment .c-delete", item).forEach((button) => {
      button.hidden = !open;
    });
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
