/* thread.js, draw: comments into the DOM, from API answers shaped like the server's first page
   (the server draws that one): avatars, replies nested to the site's depth, counts, the
   reader's own and held comments, pressed votes, and further pages.
   ES2017 at most: the language rule is in core.js. */
var SVG = "http://www.w3.org/2000/svg";
function drawAvatar(svg, seed) {
  while (svg.firstChild) { svg.removeChild(svg.firstChild); }
  function rect(x, y, size, fill) {
    var node = document.createElementNS(SVG, "rect");
    node.setAttribute("x", x); node.setAttribute("y", y);
    node.setAttribute("width", size); node.setAttribute("height", size);
    if (fill) { node.setAttribute("fill", fill); } else { node.setAttribute("class", "c-avatar-blank"); }
    svg.appendChild(node);
  }
  if (!/^[0-9a-f]{11,}$/.test(seed || "")) { rect(0, 0, 5); return; }
  var bits = parseInt(seed.slice(0, 4), 16);
  var hue = parseInt(seed.slice(8, 11), 16) % 360;
  rect(0, 0, 5, "hsl(" + hue + ",60%,92%)");
  for (var i = 0; i < 15; i++) {
    if (bits >> i & 1) {
      var col = i % 3, row = Math.floor(i / 3);
      rect(col, row, 1, "hsl(" + hue + ",50%,42%)");
      if (col < 2) { rect(4 - col, row, 1, "hsl(" + hue + ",50%,42%)"); }
    }
  }
}

function setVotes(item, likes, dislikes) {
  var buttons = $$(".c-vote", item.querySelector(".c-actions") || item);
  if (buttons.length < 2) { return; }
  buttons[0].querySelector(".c-n").textContent = likes;
  buttons[0].setAttribute("aria-label", t("like") + ": " + t("likes", { n: likes }));
  buttons[1].querySelector(".c-n").textContent = dislikes;
  buttons[1].setAttribute("aria-label", t("dislike") + ": " + t("dislikes", { n: dislikes }));
}

function build(c, level, replyTo) {
  var item = template.content.firstElementChild.cloneNode(true);
  var gone = c.status === "deleted";
  item.id = "comment-" + c.id;
  item.setAttribute("data-id", c.id);
  item.setAttribute("data-level", level);
  item.setAttribute("data-author", gone ? "" : c.author);
  drawAvatar(item.querySelector(".c-avatar"), gone ? "" : c.avatar);
  var author = item.querySelector(".c-author");
  author.id = "c-by-" + c.id;
  if (!gone) {
    item.querySelector(".c-comment").setAttribute("aria-labelledby", author.id);
    var name = c.author || t("anonymous");
    if (c.website && /^https?:\/\//i.test(c.website)) {
      var link = document.createElement("a");
      link.href = c.website;
      link.rel = "nofollow ugc noopener";
      link.textContent = name;
      author.appendChild(link);
    } else {
      author.textContent = name;
    }
  }
  if (replyTo) {
    var to = item.querySelector(".c-reply-to");
    to.textContent = t("in_reply_to", { name: replyTo });
    to.hidden = false;
  }
  item.querySelector(".c-permalink").href = config.url + "#comment-" + c.id;
  var time = item.querySelector("time");
  time.setAttribute("datetime", c.created_at);
  item.querySelector(".c-edited").hidden = !c.edited_at;
  var body = item.querySelector(".c-body");
  if (gone) {
    item.classList.add("c-gone");
    body.innerHTML = "";
    var removed = document.createElement("p");
    removed.className = "c-removed";
    removed.textContent = t("deleted");
    body.appendChild(removed);
    var actions = item.querySelector(".c-actions");
    actions.parentNode.removeChild(actions);
  } else {
    body.innerHTML = c.html; // sanitized once by the server when written
    setVotes(item, c.likes, c.dislikes);
  }
  if (c.status === "pending") { item.querySelector(".c-notice").hidden = false; }
  refreshTimes(item);
  return item;
}

function place(c, level, target) {
  var item = build(c, level);
  target.appendChild(item);
  var replies = item.querySelector(".c-replies");
  if (level + 1 < config.depth) {
    (c.replies || []).forEach(function (reply) { place(reply, level + 1, replies); });
    return item;
  }
  var found = [];
  var stack = (c.replies || []).map(function (reply) { return [reply, c]; });
  while (stack.length) {
    var pair = stack.pop();
    found.push(pair);
    (pair[0].replies || []).forEach(function (reply) { stack.push([reply, pair[0]]); });
  }
  found.sort(function (a, b) {
    return a[0].created_at < b[0].created_at ? -1 : a[0].created_at > b[0].created_at ? 1 : a[0].id - b[0].id;
  });
  found.forEach(function (pair) {
    var parentName = pair[1] === c ? null : (pair[1].status === "approved" ? pair[1].author || t("anonymous") : "?");
    replies.appendChild(build(pair[0], config.depth, parentName));
  });
  return item;
}

function insertReply(parent, c) {
  var level = parseInt(parent.getAttribute("data-level"), 10);
  if (level < config.depth) {
    return parent.querySelector(".c-replies").appendChild(build(c, level + 1));
  }
  var container = parent.parentNode.closest(".c-item") || parent;
  var name = parent.getAttribute("data-author") || t("anonymous");
  return container.querySelector(".c-replies").appendChild(build(c, config.depth, name));
}

function showCount() {
  $("#c-count").textContent = t("count", { n: count });
  $("#c-empty").hidden = !!list.querySelector(".c-item");
  tell({ type: "count", uri: config.uri, count: count });
}

function markMine(scope) {
  var all = mine();
  var now = Date.now();
  Object.keys(all).forEach(function (id) {
    var item = document.getElementById("comment-" + id);
    if (!item || (scope && !scope.contains(item))) { return; }
    var entry = all[id];
    var open = entry.until > now;
    item.classList.add("c-mine");
    $$(":scope > .c-comment .c-edit, :scope > .c-comment .c-delete", item).forEach(function (button) {
      button.hidden = !open;
    });
    if (entry.pending && !item.hasAttribute("data-pending")) {
      remember(id, { pending: null }); // it is public now: a moderator approved it
    }
  });
}

function showPending() {
  var all = mine();
  Object.keys(all).forEach(function (id) {
    var entry = all[id];
    if (!entry.pending || entry.uri !== config.uri || document.getElementById("comment-" + id)) { return; }
    var parent = entry.pending.parent_id && document.getElementById("comment-" + entry.pending.parent_id);
    var item = parent ? insertReply(parent, entry.pending) : list.insertBefore(build(entry.pending, 0), list.firstChild);
    item.setAttribute("data-pending", "1");
  });
}

function pressVotes(item, value) {
  $$(":scope > .c-comment .c-vote", item).forEach(function (node) {
    node.setAttribute("aria-pressed", String(parseInt(node.getAttribute("data-value"), 10) === value));
  });
}

function pressStoredVotes() {
  var votes = load(VOTES);
  Object.keys(votes).forEach(function (id) {
    var item = document.getElementById("comment-" + id);
    if (item) { pressVotes(item, votes[id]); }
  });
}

function showPage(answer, replace) {
  var more = $("#c-more");
  if (answer.status !== 200) { announce(problem(answer)); return false; }
  if (replace) { list.innerHTML = ""; }
  answer.data.comments.forEach(function (c) { place(c, 0, list); });
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
  var more = $("#c-more");
  more.disabled = true;
  more.textContent = t("loading");
  return getPage(next).then(function (answer) {
    more.disabled = false;
    more.textContent = t("load_more");
    return showPage(answer, false);
  });
}
