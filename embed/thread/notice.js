/* thread.js, notice: "Report illegal content" (a legal notice under the DSA), reached from the
   report choices: law, explanation, name and email, sent to /api/v1/notices.
   ES2017 at most: the language rule is in core.js. */
function postNotice(body) {
  return call("POST", `${API}/notices`, body);
}

function illegal(item, opener) {
  const choices = item.querySelector(":scope > .c-comment .c-flagging");
  if (choices) { choices.remove(); }
  const flagButton = item.querySelector(":scope > .c-comment .c-flag") || opener;
  const box = open(item, "dsa", flagButton);
  if (!box) { return; }
  const id = item.getAttribute("data-id");
  const prefix = `c-notice-${id}-`;
  $$("[id], [for], [aria-describedby]", box).forEach((node) => {
    ["id", "for", "aria-describedby"].forEach((name) => {
      const value = node.getAttribute(name);
      if (value) { node.setAttribute(name, value.replace("c-notice-X-", prefix)); }
    });
  });
  const reader = load(READER);
  if (reader.author) { box.querySelector("[name=reporter_name]").value = reader.author; }
  if (reader.email) { box.querySelector("[name=reporter_email]").value = reader.email; }
  box.addEventListener("submit", (event) => { event.preventDefault(); sendNotice(item, box, prefix); });
  box.querySelector(".c-notice-title").focus();
}

function sendNotice(item, box, prefix) {
  clearErrors(box);
  const data = new FormData(box);
  const body = { site: config.site, comment_id: parseInt(item.getAttribute("data-id"), 10),
    good_faith: data.get("good_faith") === "yes", language: lang,
    form_token: data.get("form_token") || null, hp: data.get("hp") || "" };
  ["law", "explanation", "reporter_name", "reporter_email"].forEach((name) => { body[name] = (data.get(name) || "").trim(); });
  const missing = ["law", "explanation", "reporter_name", "reporter_email"].filter((name) => !body[name]);
  if (!body.good_faith) { missing.push("good_faith"); }
  if (missing.length) {
    missing.forEach((name) => { fieldError(box, prefix, name, t("err_invalid")); });
    formError(box, t("err_invalid"));
    box.querySelector("[aria-invalid=true]").focus();
    return;
  }
  const submit = box.querySelector("[type=submit]");
  submit.disabled = true;
  postNotice(body).then((answer) => {
    submit.disabled = false;
    if (answer.status === 202) {
      const done = t("notice_done", { ref: answer.data.reference });
      box.close();
      inline(item, done, true);
      announce(done);
      return;
    }
    if (answer.status === 403) { freshToken(box); }
    showProblem(box, prefix, answer);
  });
}
