/* The iframe page's script: enhances the server-rendered thread (post, reply, edit, delete,
   vote, flag, sort, load more, share) and talks to the loader through postMessage. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("c-config").textContent);
  var S = config.strings;
  var lang = config.lang;
  var API = "/api/v1";
  var $ = function (selector, scope) { return (scope || document).querySelector(selector); };
  var $$ = function (selector, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(selector)); };
  var list = $("#c-list");
  var form = $("#c-form");
  var template = $("#c-template");
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var relative = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
  var exact = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
  var short = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });
  var count = config.count;
  var sort = config.sort;
  var next = config.next;
  var MINE = "comments.mine." + config.site;
  var READER = "comments.reader";
  var VOTES = "comments.votes." + config.site;

  /* ---- words ---- */
  function t(key, values) {
    var entry = S[key];
    if (entry === undefined) { return key; }
    values = values || {};
    if (typeof entry === "object") {
      var category = plurals ? plurals.select(values.n || 0) : (values.n === 1 ? "one" : "other");
      entry = entry[category] || entry.other;
    }
    return String(entry).replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] === undefined ? all : String(values[name]);
    });
  }

  var statusRegion = $("#c-status");
  function announce(text) {
    statusRegion.textContent = "";
    window.setTimeout(function () { statusRegion.textContent = text; }, 30);
  }

  /* ---- storage: the reader's own comments (edit tokens), details and votes ---- */
  // Where the browser denies a framed page its storage (strict third-party settings), tokens
  // live in memory: the reader can still edit during this visit.
  var memory = {};
  function load(key) {
    try {
      var raw = window.localStorage.getItem(key);
      if (raw) { return JSON.parse(raw) || {}; }
    } catch (e) { /* denied or corrupt: fall back to this visit's memory */ }
    return memory[key] ? JSON.parse(memory[key]) : {};
  }
  function save(key, value) {
    memory[key] = JSON.stringify(value);
    try { window.localStorage.setItem(key, memory[key]); } catch (e) { /* denied or full */ }
  }
  function mine() {
    var all = load(MINE);
    var now = Date.now();
    var week = 7 * 24 * 3600 * 1000;
    Object.keys(all).forEach(function (id) {
      var entry = all[id];
      if (entry.until < now && !(entry.pending && entry.at > now - week)) { delete all[id]; }
    });
    return all;
  }
  function remember(id, fields) {
    var all = mine();
    var entry = all[id] || {};
    Object.keys(fields).forEach(function (name) { entry[name] = fields[name]; });
    all[id] = entry;
    save(MINE, all);
  }
  function forget(id) {
    var all = mine();
    delete all[id];
    save(MINE, all);
  }

  /* ---- talking to the API and to the loader ---- */
  function call(method, path, body, headers) {
    var options = { method: method, headers: headers || {}, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: response.status, data: data, retry: response.headers.get("Retry-After") };
      });
    }, function () { return { status: 0, data: null, retry: null }; });
  }

  var STATUS_WORDS = { 0: "err_network", 400: "err_malformed", 404: "err_not_found", 409: "err_conflict",
    413: "err_too_large", 422: "err_invalid", 503: "err_unavailable" };
  var FORBIDDEN_WORDS = { thread_closed: "err_closed", banned: "err_banned", rejected: "err_rejected",
    bad_token: "err_bad_token", edit_window_over: "err_edit_over", own_comment: "err_own_vote",
    bad_form_token: "err_form_expired" };
  function problem(answer) {
    if (answer.status === 429) { return t("err_rate", { n: parseInt(answer.retry, 10) || 60 }); }
    if (answer.status === 403) { return t(FORBIDDEN_WORDS[answer.data && answer.data.error] || "err_forbidden"); }
    return t(STATUS_WORDS[answer.status] || "err_generic");
  }

  function tell(message) {
    if (!config.origin || window.parent === window) { return; }
    message.comments = 1;
    window.parent.postMessage(message, config.origin);
  }

  function freshToken(scope) {
    call("GET", "/embed/token").then(function (answer) {
      if (answer.status === 200 && answer.data) {
        $$("input[name=form_token]", scope).forEach(function (input) { input.value = answer.data.form_token; });
      }
    });
  }

  /* ---- times ---- */
  function ago(date) {
    var seconds = (date.getTime() - Date.now()) / 1000;
    var size = Math.abs(seconds);
    if (size < 45 || !relative) { return size < 45 ? t("just_now") : short.format(date); }
    var units = [["minute", 60, 3600], ["hour", 3600, 86400], ["day", 86400, 2592000]];
    for (var i = 0; i < units.length; i++) {
      if (size < units[i][2]) { return relative.format(Math.round(seconds / units[i][1]), units[i][0]); }
    }
    return short.format(date);
  }
  function refreshTimes(scope) {
    $$("time[datetime]", scope).forEach(function (node) {
      var value = node.getAttribute("datetime");
      if (!value) { return; }
      var date = new Date(value);
      if (isNaN(date.getTime())) { return; }
      node.textContent = ago(date);
      node.title = exact.format(date);
    });
  }

  /* ---- drawing comments from API JSON (the server draws the first page) ---- */
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

  /* ---- the reader's own comments ---- */
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

  /* ---- the form: post and reply ---- */
  var attempt = { body: "", key: "" };
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function clearErrors(scope) {
    $$(".c-error, .c-form-error", scope).forEach(function (node) { node.hidden = true; node.textContent = ""; node.classList.remove("c-ok"); });
    $$("[aria-invalid]", scope).forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }

  function fieldError(scope, prefix, name, text) {
    var input = scope.querySelector("[name=" + name + "]");
    var slot = scope.querySelector("#" + prefix + name + "-error");
    if (!input || !slot) { return false; }
    input.setAttribute("aria-invalid", "true");
    slot.textContent = text;
    slot.hidden = false;
    return true;
  }

  function formError(scope, text, ok) {
    var slot = scope.querySelector(".c-form-error");
    slot.textContent = text;
    slot.classList.toggle("c-ok", !!ok);
    slot.hidden = false;
  }

  var FIELD_WORDS = { author: "err_author", email: "err_email", website: "err_website", text: "err_text",
    to: "err_email", from_email: "err_email", from_name: "err_author", note: "err_note" };
  function showProblem(scope, prefix, answer) {
    var errors = answer.status === 422 && answer.data && answer.data.errors;
    // A form sent faster than a person types (the time-to-submit check) has no field to mark.
    formError(scope, errors && errors.form_token ? t("err_too_fast") : problem(answer));
    if (!errors) { return; }
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var words = FIELD_WORDS[name] ? t(FIELD_WORDS[name], { n: config.text_max }) : [].concat(errors[name]).join(" ");
      if (fieldError(scope, prefix, name, words)) { first = first || scope.querySelector("[name=" + name + "]"); }
    });
    if (first) { first.focus(); }
  }

  function formBody() {
    var data = new FormData(form);
    return {
      site: config.site, uri: config.uri, title: config.title,
      parent_id: form.parentId || null,
      author: (data.get("author") || "").trim(), email: (data.get("email") || "").trim(),
      website: (data.get("website") || "").trim() || null, text: data.get("text") || "",
      notify_replies: !!data.get("notify_replies"), language: lang,
      form_token: data.get("form_token") || null, hp: data.get("hp") || ""
    };
  }

  function checkForm(body) {
    var ok = true;
    if (!body.text.trim()) { ok = fieldError(form, "c-", "text", t("err_text", { n: config.text_max })) && false; }
    if (config.require_author && !body.author) { ok = fieldError(form, "c-", "author", t("err_author")) && false; }
    if ((config.require_email || body.notify_replies) && !body.email) { ok = fieldError(form, "c-", "email", t("err_email")) && false; }
    if (!ok) {
      formError(form, t("err_invalid"));
      var invalid = form.querySelector("[aria-invalid=true]");
      if (invalid) { invalid.focus(); }
    }
    return ok;
  }

  function showWrite() {
    var textarea = $("#c-text");
    var toggle = form.querySelector(".c-preview-toggle");
    $("#c-preview").hidden = true;
    textarea.hidden = false;
    toggle.textContent = t("preview");
    toggle.setAttribute("aria-pressed", "false");
  }

  function resetReply() {
    form.parentId = null;
    form.querySelector(".c-replying").hidden = true;
    $("#c-respond").appendChild(form);
  }

  function submitComment(event) {
    event.preventDefault();
    clearErrors(form);
    showWrite();
    var body = formBody();
    if (!checkForm(body)) { return; }
    var raw = JSON.stringify(body);
    if (raw !== attempt.body) { attempt = { body: raw, key: newKey() }; }
    var button = form.querySelector(".c-submit");
    button.disabled = true;
    button.textContent = t("posting");
    call("POST", API + "/comments", body, { "Idempotency-Key": attempt.key }).then(function (answer) {
      button.disabled = false;
      button.textContent = t("post");
      if (answer.status !== 201 && answer.status !== 202) { showProblem(form, "c-", answer); return; }
      var c = answer.data;
      attempt = { body: "", key: "" };
      var parent = body.parent_id && document.getElementById("comment-" + body.parent_id);
      var item = parent ? insertReply(parent, c)
        : (sort === "newest" ? list.insertBefore(build(c, 0), list.firstChild) : list.appendChild(build(c, 0)));
      remember(c.id, { token: c.edit_token, until: Date.parse(c.edit_until), text: body.text,
        uri: config.uri, at: Date.now(), pending: answer.status === 202 ? c : null });
      if (answer.status === 202) { item.setAttribute("data-pending", "1"); } else { count += 1; }
      save(READER, { author: body.author, email: body.email, website: body.website || "" });
      form.querySelector("#c-text").value = "";
      form.querySelector("#c-notify").checked = false;
      resetReply();
      markMine();
      showCount();
      freshToken(form);
      item.classList.add("c-target");
      item.scrollIntoView({ block: "nearest" });
      announce(answer.status === 202 ? t("posted_pending") : t("posted"));
    });
  }

  function togglePreview() {
    var textarea = $("#c-text");
    var pane = $("#c-preview");
    var toggle = form.querySelector(".c-preview-toggle");
    if (!pane.hidden) { showWrite(); textarea.focus(); return; }
    call("POST", API + "/preview", { text: textarea.value }).then(function (answer) {
      if (answer.status !== 200) { formError(form, problem(answer)); return; }
      pane.innerHTML = answer.data.html || "";
      if (!pane.textContent.trim()) { pane.textContent = t("preview_empty"); }
      pane.style.minHeight = textarea.offsetHeight + "px";
      textarea.hidden = true;
      pane.hidden = false;
      toggle.textContent = t("write");
      toggle.setAttribute("aria-pressed", "true");
    });
  }

  function startReply(item) {
    var name = item.getAttribute("data-author") || t("anonymous");
    form.parentId = parseInt(item.getAttribute("data-id"), 10);
    var label = form.querySelector(".c-replying");
    label.querySelector(".c-replying-to").textContent = t("reply_to", { name: name });
    label.hidden = false;
    item.querySelector(".c-main").appendChild(form);
    clearErrors(form);
    $("#c-text").focus();
  }

  /* ---- actions on a comment ---- */
  function inline(item, text, ok) {
    var slot = item.querySelector(":scope > .c-comment .c-inline");
    if (!slot) { return; }
    slot.textContent = text;
    slot.classList.toggle("c-ok", !!ok);
    slot.hidden = !text;
  }

  function piece(name) {
    return document.getElementById("c-" + name + "-template").content.firstElementChild.cloneNode(true);
  }

  function vote(item, value) {
    var id = item.getAttribute("data-id");
    call("POST", API + "/comments/" + id + "/votes", { value: value }).then(function (answer) {
      if (answer.status !== 200) { inline(item, problem(answer)); return; }
      inline(item, "");
      setVotes(item, answer.data.likes, answer.data.dislikes);
      var votes = load(VOTES);
      votes[id] = value;
      save(VOTES, votes);
      pressVotes(item, value);
    });
  }

  function pressVotes(item, value) {
    $$(":scope > .c-comment .c-vote", item).forEach(function (node) {
      node.setAttribute("aria-pressed", String(parseInt(node.getAttribute("data-value"), 10) === value));
    });
  }

  // Opens a server-rendered piece (flag choices, delete confirmation, edit box) under the actions.
  function open(item, name, opener) {
    if (item.querySelector(":scope > .c-comment .c-" + name)) { return null; }
    var box = piece(name === "flagging" ? "flag" : name === "editing" ? "edit" : name);
    item.querySelector(":scope > .c-comment .c-actions").after(box);
    box.close = function () { box.remove(); opener.focus(); };
    box.querySelector(".c-cancel").addEventListener("click", box.close);
    return box;
  }

  function flag(item, opener) {
    var box = open(item, "flagging", opener);
    if (!box) { return; }
    $$("[data-reason]", box).forEach(function (choice) {
      choice.addEventListener("click", function () {
        call("POST", API + "/comments/" + item.getAttribute("data-id") + "/flags",
          { reason: choice.getAttribute("data-reason") }).then(function (answer) {
          box.close();
          if (answer.status === 202) { inline(item, t("flag_done"), true); announce(t("flag_done")); } else { inline(item, problem(answer)); }
        });
      });
    });
    box.querySelector("button").focus();
  }

  function edit(item, opener) {
    var id = item.getAttribute("data-id");
    var entry = mine()[id];
    var body = item.querySelector(":scope > .c-comment .c-body");
    var box = entry && open(item, "editing", opener);
    if (!box) { return; }
    var area = box.querySelector("textarea");
    area.id = "c-edit-" + id;
    box.querySelector("label").htmlFor = area.id;
    area.value = entry.text || "";
    body.hidden = true;
    body.after(box);
    area.focus();
    var close = box.close;
    box.close = function () { body.hidden = false; close(); };
    box.querySelector(".c-cancel").addEventListener("click", function () { body.hidden = false; });
    var saveButton = box.querySelector(".c-save");
    saveButton.addEventListener("click", function () {
      if (!area.value.trim()) { inline(item, t("err_text", { n: config.text_max })); return; }
      saveButton.disabled = true;
      call("PATCH", API + "/comments/" + id, { text: area.value }, { "X-Edit-Token": mine()[id].token }).then(function (answer) {
        saveButton.disabled = false;
        if (answer.status !== 200) { inline(item, problem(answer)); return; }
        body.innerHTML = answer.data.html;
        item.querySelector(":scope > .c-comment .c-edited").hidden = false;
        remember(id, { token: answer.data.edit_token, text: area.value,
          pending: answer.data.status === "pending" ? answer.data : null });
        inline(item, "");
        box.close();
        announce(t("saved"));
      });
    });
  }

  function remove(item, opener) {
    var id = item.getAttribute("data-id");
    var box = open(item, "confirm", opener);
    if (!box) { return; }
    var yes = box.querySelector(".c-yes");
    yes.focus();
    yes.addEventListener("click", function () {
      call("DELETE", API + "/comments/" + id, undefined, { "X-Edit-Token": mine()[id].token }).then(function (answer) {
        if (answer.status !== 204) { box.close(); inline(item, problem(answer)); return; }
        if (!item.hasAttribute("data-pending")) { count = Math.max(0, count - 1); }
        forget(id);
        if (item.querySelector(".c-replies .c-item")) {
          var placeholder = build({ id: id, status: "deleted", created_at: item.querySelector("time").getAttribute("datetime") },
            parseInt(item.getAttribute("data-level"), 10));
          placeholder.replaceChild(item.querySelector(".c-replies"), placeholder.querySelector(".c-replies"));
          item.replaceWith(placeholder);
        } else {
          item.remove();
        }
        showCount();
        announce(t("removed"));
        $("#c-count").focus();
      });
    });
  }

  /* ---- loading pages: sort and "load more" ---- */
  function fetchPage(after) {
    var query = "?site=" + encodeURIComponent(config.site) + "&uri=" + encodeURIComponent(config.uri) +
      "&sort=" + sort + "&limit=" + config.limit + (after ? "&after=" + encodeURIComponent(after) : "");
    return call("GET", API + "/comments" + query);
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
    return fetchPage(next).then(function (answer) {
      more.disabled = false;
      more.textContent = t("load_more");
      return showPage(answer, false);
    });
  }

  function pressStoredVotes() {
    var votes = load(VOTES);
    Object.keys(votes).forEach(function (id) {
      var item = document.getElementById("comment-" + id);
      if (item) { pressVotes(item, votes[id]); }
    });
  }

  /* ---- "Send this to a friend" ---- */
  var shared = null;
  function openShare(show) {
    var panel = $("#c-share");
    var toggle = $("#c-share-toggle");
    panel.hidden = !show;
    toggle.setAttribute("aria-expanded", String(show));
    if (!show) { toggle.focus(); return; }
    panel.querySelector("h3").setAttribute("tabindex", "-1");
    panel.querySelector("h3").focus();
    if (shared) { return; }
    shared = call("POST", API + "/shares/links", { site: config.site, uri: config.uri, title: config.title }).then(function (answer) {
      var mail = $("#c-share-mail");
      if (answer.status === 200) {
        mail.href = answer.data.mailto;
        $("#c-share-url").value = answer.data.url;
      } else {
        shared = null;
        mail.href = "mailto:?subject=" + encodeURIComponent(config.title || config.url) + "&body=" + encodeURIComponent(config.url);
        $("#c-share-url").value = config.url;
      }
    });
  }

  function copyLink() {
    var input = $("#c-share-url");
    var done = function () { announce(t("share_copied")); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.select();
      done();
    }
  }

  function sendShare(event) {
    var shareForm = event.target;
    event.preventDefault();
    clearErrors(shareForm);
    var data = new FormData(shareForm);
    var body = { site: config.site, uri: config.uri };
    ["to", "from_name", "from_email", "note", "form_token", "hp"].forEach(function (name) { body[name] = (data.get(name) || "").trim(); });
    body.language = lang;
    var missing = ["to", "from_name"].filter(function (name) { return !body[name]; });
    if (missing.length) {
      missing.forEach(function (name) { fieldError(shareForm, "c-share-", name, t(FIELD_WORDS[name])); });
      formError(shareForm, t("err_invalid"));
      shareForm.querySelector("[aria-invalid=true]").focus();
      return;
    }
    var submit = shareForm.querySelector("[type=submit]");
    submit.disabled = true;
    call("POST", API + "/shares", body).then(function (answer) {
      submit.disabled = false;
      if (answer.status === 202) {
        formError(shareForm, t("share_sent"), true);
        shareForm.querySelector("[name=to]").value = "";
        shareForm.querySelector("[name=note]").value = "";
        announce(t("share_sent"));
        freshToken(shareForm);
        return;
      }
      if (answer.status === 403 && !(answer.data && answer.data.error === "bad_form_token")) {
        formError(shareForm, t("share_off"));
        return;
      }
      if (answer.status === 429) { formError(shareForm, t("share_limit")); return; }
      showProblem(shareForm, "c-share-", answer);
    });
  }

  /* ---- theming and permalinks from the loader ---- */
  function applyTheme(vars) {
    Object.keys(vars || {}).forEach(function (name) {
      var value = String(vars[name]);
      if (/^--comments-[a-z-]{1,40}$/.test(name) && value.length < 200 && !/url\(|[;{}<>\\]|expression/i.test(value)) {
        document.documentElement.style.setProperty(name, value);
      }
    });
  }

  function highlight(id, tries) {
    var item = document.getElementById("comment-" + id);
    if (!item) {
      if (next && (tries || 0) < 5) { loadMore().then(function () { highlight(id, (tries || 0) + 1); }); }
      return;
    }
    $$(".c-target").forEach(function (node) { node.classList.remove("c-target"); });
    item.classList.add("c-target");
    item.querySelector(".c-comment").setAttribute("tabindex", "-1");
    item.querySelector(".c-comment").focus({ preventScroll: true });
    tell({ type: "scroll", top: Math.max(0, item.getBoundingClientRect().top + window.scrollY - 16) });
  }

  window.addEventListener("message", function (event) {
    if (!config.origin || event.origin !== config.origin || event.source !== window.parent) { return; }
    var data = event.data || {};
    if (data.comments !== 1) { return; }
    if (data.type === "theme") { applyTheme(data.vars); }
    if (data.type === "show" && /^\d+$/.test(String(data.id))) { highlight(data.id); }
  });

  /* ---- wiring ---- */
  list.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    var item = target.closest(".c-item");
    if (target.classList.contains("c-vote")) { vote(item, parseInt(target.getAttribute("data-value"), 10)); }
    else if (target.classList.contains("c-reply")) { startReply(item); }
    else if (target.classList.contains("c-flag")) { flag(item, target); }
    else if (target.classList.contains("c-edit")) { edit(item, target); }
    else if (target.classList.contains("c-delete")) { remove(item, target); }
  });

  if (form) {
    var reader = load(READER);
    ["author", "email", "website"].forEach(function (name) { if (reader[name]) { form.querySelector("[name=" + name + "]").value = reader[name]; } });
    form.addEventListener("submit", submitComment);
    form.querySelector(".c-preview-toggle").addEventListener("click", togglePreview);
    form.querySelector(".c-cancel-reply").addEventListener("click", function () {
      var item = form.closest(".c-item");
      resetReply();
      if (item) { item.querySelector(".c-reply").focus(); }
    });
    form.hidden = false;
  }
  $("#c-sort").addEventListener("change", function (event) {
    sort = event.target.value;
    fetchPage(null).then(function (answer) { showPage(answer, true); });
  });
  $(".c-sort").hidden = false;
  $("#c-more").addEventListener("click", loadMore);
  $("#c-share-toggle").addEventListener("click", function (event) {
    openShare(event.currentTarget.getAttribute("aria-expanded") !== "true");
  });
  $("#c-share-close").addEventListener("click", function () { openShare(false); });
  $("#c-share-copy").addEventListener("click", copyLink);
  $("#c-share-toggle").hidden = false;
  var shareForm = $("#c-share-form");
  if (shareForm) { shareForm.addEventListener("submit", sendShare); }

  refreshTimes(document);
  window.setInterval(function () { refreshTimes(document); markMine(); }, 60000);
  showPending();
  markMine();
  pressStoredVotes();

  if (window.ResizeObserver) {
    new ResizeObserver(function () { tell({ type: "height", height: Math.ceil(document.body.getBoundingClientRect().height) }); }).observe(document.body);
  }
  tell({ type: "ready", uri: config.uri, count: count });
  var wanted = /^#comment-(\d+)$/.exec(window.location.hash);
  if (wanted) { highlight(wanted[1]); }
  if (window.performance && performance.mark) { performance.mark("comments-ready"); }
  document.documentElement.setAttribute("data-ready", "1");
})();
