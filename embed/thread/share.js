/* thread.js, share: "Send this to a friend": a tracked link for the reader's own mail program,
   copy the link, and, where the site sends mail itself, the send form.
   ES2017 at most: the language rule is in core.js. */
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
  shared = postShareLink().then(function (answer) {
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
  postShare(body).then(function (answer) {
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
