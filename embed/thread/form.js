/* thread.js, form: what the reader writes: post and reply (with preview), and, on a comment,
   vote, flag, and edit or delete their own within the window; errors shown beside the field.
   ES2017 at most: the language rule is in core.js. */
// The post being sent and its idempotency key: a retry of the same text reuses the key.
let attempt = { body: "", key: "" };
function newKey() {
  if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => `0${b.toString(16)}`.slice(-2)).join("");
}

function clearErrors(scope) {
  $$(".c-error, .c-form-error", scope).forEach((node) => { node.hidden = true; node.textContent = ""; node.classList.remove("c-ok"); });
  $$("[aria-invalid]", scope).forEach((node) => { node.removeAttribute("aria-invalid"); });
}

function fieldError(scope, prefix, name, text) {
  const input = scope.querySelector(`[name=${name}]`);
  const slot = scope.querySelector(`#${prefix}${name}-error`);
  if (!input || !slot) { return false; }
  input.setAttribute("aria-invalid", "true");
  slot.textContent = text;
  slot.hidden = false;
  return true;
}

function formError(scope, text, ok) {
  const slot = scope.querySelector(".c-form-error");
  slot.textContent = text;
  slot.classList.toggle("c-ok", !!ok);
  slot.hidden = false;
}

function showProblem(scope, prefix, answer) {
  const errors = answer.status === 422 && answer.data && answer.data.errors;
  // A form sent faster than a person types (the time-to-submit check) has no field to mark.
  formError(scope, errors && errors.form_token ? t("err_too_fast") : problem(answer));
  if (!errors) { return; }
  let first = null;
  Object.keys(errors).forEach((name) => {
    const words = FIELD_WORDS[name] ? t(FIELD_WORDS[name], { n: config.text_max }) : [].concat(errors[name]).join(" ");
    if (fieldError(scope, prefix, name, words)) { first = first || scope.querySelector(`[name=${name}]`); }
  });
  if (first) { first.focus(); }
}

/* ---- posting and replying ---- */
function formBody() {
  const data = new FormData(form);
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
  let ok = true;
  if (!body.text.trim()) { ok = fieldError(form, "c-", "text", t("err_text", { n: config.text_max })) && false; }
  // A signed-in reader's name and address are theirs already (identity.js).
  if (config.require_author && !body.author && !signedIn()) { ok = fieldError(form, "c-", "author", t("err_author")) && false; }
  if ((config.require_email || body.notify_replies) && !body.email && !signedIn()) { ok = fieldError(form, "c-", "email", t("err_email")) && false; }
  if (!ok) {
    formError(form, t("err_invalid"));
    const invalid = form.querySelector("[aria-invalid=true]");
    if (invalid) { invalid.focus(); }
  }
  return ok;
}

function showWrite() {
  const textarea = $("#c-text");
  const toggle = form.querySelector(".c-preview-toggle");
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
  const body = formBody();
  if (!checkForm(body)) { return; }
  const raw = JSON.stringify(body);
  if (raw !== attempt.body) { attempt = { body: raw, key: newKey() }; }
  const button = form.querySelector(".c-submit");
  button.disabled = true;
  button.textContent = t("posting");
  postComment(body, attempt.key).then((answer) => {
    button.disabled = false;
    button.textContent = t("post");
    if (answer.status !== 201 && answer.status !== 202) { showProblem(form, "c-", answer); return; }
    const c = answer.data;
    attempt = { body: "", key: "" };
    const parent = body.parent_id && document.getElementById(`comment-${body.parent_id}`);
    const item = parent ? insertReply(parent, c)
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
  const textarea = $("#c-text");
  const pane = $("#c-preview");
  const toggle = form.querySelector(".c-preview-toggle");
  if (!pane.hidden) { showWrite(); textarea.focus(); return; }
  postPreview(textarea.value).then((answer) => {
    if (answer.status !== 200) { formError(form, problem(answer)); return; }
    pane.innerHTML = answer.data.html || "";
    if (!pane.textContent.trim()) { pane.textContent = t("preview_empty"); }
    pane.style.minHeight = `${textarea.offsetHeight}px`;
    textarea.hidden = true;
    pane.hidden = false;
    toggle.textContent = t("write");
    toggle.setAttribute("aria-pressed", "true");
  });
}

function startReply(item) {
  const name = item.getAttribute("data-author") || t("anonymous");
  form.parentId = parseInt(item.getAttribute("data-id"), 10);
  const label = form.querySelector(".c-replying");
  label.querySelector(".c-replying-to").textContent = t("reply_to", { name });
  label.hidden = false;
  item.querySelector(".c-comment").appendChild(form);
  clearErrors(form);
  $("#c-text").focus();
}

function freshToken(scope) {
  getFormToken().then((answer) => {
    if (answer.status === 200 && answer.data) {
      $$("input[name=form_token]", scope).forEach((input) => { input.value = answer.data.form_token; });
    }
  });
}

/* ---- on a comment: vote, flag, edit, delete ---- */
function inline(item, text, ok) {
  const slot = part(item, "inline", !!text);
  if (!slot) { return; }
  slot.textContent = text;
  slot.classList.toggle("c-ok", !!ok);
}

function piece(name) {
  return document.getElementById(`c-${name}-template`).content.firstElementChild.cloneNode(true);
}

function vote(item, value) {
  const id = item.getAttribute("data-id");
  postVote(id, value).then((answer) => {
    if (answer.status !== 200) { inline(item, problem(answer)); return; }
    inline(item, "");
    setVotes(item, answer.data.likes, answer.data.dislikes);
    const votes = load(VOTES);
    votes[id] = value;
    save(VOTES, votes);
    pressVotes(item, value);
  });
}

// Opens a server-rendered piece (flag choices, delete confirmation, edit box) under the actions.
function open(item, name, opener) {
  if (item.querySelector(`:scope > .c-comment .c-${name}`)) { return null; }
  const box = piece(name === "flagging" ? "flag" : name === "editing" ? "edit" : name);
  item.querySelector(":scope > .c-comment .c-actions").after(box);
  box.close = () => { box.remove(); opener.focus(); };
  box.querySelector(".c-cancel").addEventListener("click", box.close);
  return box;
}

function flag(item, opener) {
  const box = open(item, "flagging", opener);
  if (!box) { return; }
  $$("[data-reason]", box).forEach((choice) => {
    choice.addEventListener("click", () => {
      postFlag(item.getAttribute("data-id"), choice.getAttribute("data-reason")).then((answer) => {
        box.close();
        if (answer.status === 202) { inline(item, t("flag_done"), true); announce(t("flag_done")); } else { inline(item, problem(answer)); }
      });
    });
  });
  box.querySelector("button").focus();
}

function edit(item, opener) {
  const id = item.getAttribute("data-id");
  const entry = mine()[id];
  const body = item.querySelector(":scope > .c-comment .c-body");
  const box = entry && open(item, "editing", opener);
  if (!box) { return; }
  const area = box.querySelector("textarea");
  area.id = `c-edit-${id}`;
  box.querySelector("label").htmlFor = area.id;
  area.value = entry.text || "";
  body.hidden = true;
  body.after(box);
  area.focus();
  const close = box.close;
  box.close = () => { body.hidden = false; close(); };
  box.querySelector(".c-cancel").addEventListener("click", () => { body.hidden = false; });
  const saveButton = box.querySelector(".c-save");
  saveButton.addEventListener("click", () => {
    if (!area.value.trim()) { inline(item, t("err_text", { n: config.text_max })); return; }
    saveButton.disabled = true;
    patchComment(id, area.value, mine()[id].token).then((answer) => {
      saveButton.disabled = false;
      if (answer.status !== 200) { inline(item, problem(answer)); return; }
      body.innerHTML = answer.data.html;
      part(item, "edited", true);
      remember(id, { token: answer.data.edit_token, text: area.value,
        pending: answer.data.status === "pending" ? answer.data : null });
      inline(item, "");
      box.close();
      announce(t("saved"));
    });
  });
}

function remove(item, opener) {
  const id = item.getAttribute("data-id");
  const box = open(item, "confirm", opener);
  if (!box) { return; }
  const yes = box.querySelector(".c-yes");
  box.querySelector(".c-cancel").focus(); // the safe choice is the one Enter takes
  yes.addEventListener("click", () => {
    deleteComment(id, mine()[id].token).then((answer) => {
      if (answer.status !== 204) { box.close(); inline(item, problem(answer)); return; }
      if (!item.hasAttribute("data-pending")) { count = Math.max(0, count - 1); }
      forget(id);
      if (item.querySelector(".c-replies .c-item")) {
        // It keeps its place (and its replies) as a "deleted" placeholder.
        const placeholder = build({ id, status: "deleted", created_at: item.querySelector("time").getAttribute("datetime") },
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
