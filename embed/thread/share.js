/* thread.js, share: "Send this to a friend": a tracked link for the reader's own mail program,
   copy the link, and, where the site sends mail itself, the send form.
   ES2017 at most: the language rule is in core.js. */
// The tracked link, asked for when the reader first uses it (mail or copy), not when the
// panel opens: the dashboard counts shares, and opening the panel is only a look.
let shared = null;
let linkReady = false;
function openShare(show) {
  const panel = $("#c-share");
  const toggle = $("#c-share-toggle");
  panel.hidden = !show;
  toggle.setAttribute("aria-expanded", String(show));
  if (!show) { toggle.focus(); return; }
  panel.querySelector("h3").setAttribute("tabindex", "-1");
  panel.querySelector("h3").focus();
  if (!$("#c-share-url").value) { $("#c-share-url").value = config.url; }
}

function trackedLink() {
  if (shared) { return shared; }
  shared = postShareLink().then((answer) => {
    const mail = $("#c-share-mail");
    if (answer.status === 200) {
      mail.href = answer.data.mailto;
      $("#c-share-url").value = answer.data.url;
    } else {
      shared = null;
      mail.href = `mailto:?subject=${encodeURIComponent(config.title || config.url)}&body=${encodeURIComponent(config.url)}`;
      $("#c-share-url").value = config.url;
    }
    linkReady = true;
  });
  return shared;
}

function mailLink(event) {
  if (linkReady) { return; }
  // Still inside the reader's click (a fast local request): open it once the link is there.
  const mail = event.currentTarget;
  event.preventDefault();
  trackedLink().then(() => { mail.click(); });
}

// The Clipboard API where the frame may use it; else the link selected and copied the old way;
// else selected, with a word on how to copy it. The visible status says which.
function copyLink() {
  trackedLink().then(() => { copyTrackedLink(); });
}

function copyTrackedLink() {
  const input = $("#c-share-url");
  const status = $("#c-share-copied");
  const say = (key) => { status.textContent = ""; window.setTimeout(() => { status.textContent = t(key); }, 30); };
  const fallback = () => {
    input.focus();
    input.select();
    let copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    say(copied ? "share_copied" : "share_copy_manual");
  };
  // A frame without allow="clipboard-write" would only be refused (and Chromium logs an error).
  const policy = document.permissionsPolicy || document.featurePolicy;
  const allowed = !policy || !policy.allowsFeature || policy.allowsFeature("clipboard-write");
  if (allowed && navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(() => { say("share_copied"); }, fallback);
  } else {
    fallback();
  }
}

function sendShare(event) {
  const shareForm = event.target;
  event.preventDefault();
  clearErrors(shareForm);
  const data = new FormData(shareForm);
  const body = { site: config.site, uri: config.uri };
  ["to", "from_name", "note", "form_token", "hp"].forEach((name) => { body[name] = (data.get(name) || "").trim(); });
  body.language = lang;
  body.title = config.title || "";
  const missing = ["to", "from_name"].filter((name) => !body[name]);
  if (missing.length) {
    missing.forEach((name) => { fieldError(shareForm, "c-share-", name, t(FIELD_WORDS[name])); });
    formError(shareForm, t("err_invalid"));
    shareForm.querySelector("[aria-invalid=true]").focus();
    return;
  }
  const submit = shareForm.querySelector("[type=submit]");
  submit.disabled = true;
  postShare(body).then((answer) => {
    submit.disabled = false;
    if (answer.status === 202) {
      formError(shareForm, t("share_sent"), true);
      shareForm.querySelector("[name=to]").value = "";
      shareForm.querySelector("[name=note]").value = "";
      announce(t("share_sent"));
      freshToken(shareForm);
      return;
    }
    // A 403 other than a stale form token: the site has sending turned off.
    if (answer.status === 403 && !(answer.data && answer.data.error === "bad_form_token")) {
      formError(shareForm, t("share_off"));
      return;
    }
    if (answer.status === 429) { formError(shareForm, t("share_limit")); return; }
    showProblem(shareForm, "c-share-", answer);
  });
}
