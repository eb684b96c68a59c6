/* thread.js, form: what the reader writes: post and reply (with preview), and, on a comment,
   vote, flag, and edit or delete their own within the window; errors shown beside the field.
   ES2017 at most: the language rule is in core.js. */
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
  postComment(body, attempt.key).then(function (answer) {
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
  postPreview(textarea.value).then(function (answer) {
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

function freshToken(scope) {
  getFormToken().then(function (answer) {
    if (answer.status === 200 && answer.data) {
      $$("input[name=form_token]", scope).forEach(function (input) { input.value = answer.data.form_token; });
    }
  });
}

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
  postVote(id, value).then(function (answer) {
    if (answer.status !== 200) { inline(item, problem(answer)); return; }
    inline(item, "");
    setVotes(item, answer.data.likes, answer.data.dislikes);
    var votes = load(VOTES);
    votes[id] = value;
    save(VOTES, votes);
    pressVotes(item, value);
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
      postFlag(item.getAttribute("data-id"), choice.getAttribute("data-reason")).then(function (answer) {
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
    patchComment(id, area.value, mine()[id].token).then(function (answer) {
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
    deleteComment(id, mine()[id].token).then(function (answer) {
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
