/* thread.js, identity: the signed-in reader (the publisher's single sign-on or an emailed
   code) and the anonymous browser key that votes and flags count by.
   Same-site, both live in this frame's storage. Cross-site, browsers deny a framed page its
   storage (third-party cookies and storage blocked), so the loader keeps them in the page's own
   storage, under its own keys, and hands them over on each load (message "identity"); an SSO
   reader is signed in again from the token the page hands over. Writes carry them as the
   X-Reader-Token and X-Browser-Key headers (api.js); reads never do.
   ES2017 at most: the language rule is in core.js. */
const IDENTITY = `comments.identity.${config.site}`;
const BROWSER = "comments.browser";
const BROWSER_KEY = /^[A-Za-z0-9_-]{22,64}$/;
let reader = null; // { token, id, name, badges, sso }: sso is the page's token it came from
let browserKey = null;

function newBrowserKey() {
  const bytes = new Uint8Array(18);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
}

function keepsStorage() {
  try { window.localStorage.setItem("comments.probe", "1"); return true; } catch (e) { return false; }
}

(function restoreIdentity() {
  const kept = load(IDENTITY);
  if (kept.token) { reader = kept; }
  const key = load(BROWSER).key;
  if (key && BROWSER_KEY.test(key)) { browserKey = key; } else if (keepsStorage()) {
    browserKey = newBrowserKey();
    save(BROWSER, { key: browserKey });
  }
})();

// Added to every write by call() in api.js.
function identityHeaders(headers) {
  if (reader && reader.token) { headers["X-Reader-Token"] = reader.token; }
  if (browserKey) { headers["X-Browser-Key"] = browserKey; }
  return headers;
}

function signedIn() { return !!(reader && reader.token); }

function becomeReader(data, sso) {
  reader = { token: data.reader_token, id: data.reader.id, name: data.reader.name,
    badges: data.reader.badges || [], sso: sso || "" };
  save(IDENTITY, reader);
  tell({ type: "identity", reader });
  showIdentity();
}

function forgetReader(tellLoader) {
  reader = null;
  save(IDENTITY, {});
  if (tellLoader) { tell({ type: "identity", reader: null }); }
  showIdentity();
}

function showIdentity() {
  const box = $("#c-identity");
  if (!box) { return; } // a closed thread has no form
  const on = signedIn();
  box.querySelector(".c-signed-in").hidden = !on;
  if (on) {
    box.querySelector(".c-signed-in-as").textContent = t("signed_in_as", { name: reader.name });
    // The publisher's page signs an SSO reader in and out; the embed does for email readers.
    $("#c-sign-out").hidden = !!reader.sso;
  }
  const prompt = box.querySelector(".c-sign-in-prompt");
  if (prompt) { prompt.hidden = on; }
  const signIn = $("#c-sign-in");
  if (signIn && on) { signIn.hidden = true; }
  if (form) {
    ["author", "email", "website"].forEach((name) => {
      const field = form.querySelector(`[name=${name}]`);
      if (field) { field.closest(".c-field").hidden = on; }
    });
    form.hidden = !on && config.identity === "signed_in";
  }
}

// The page's SSO token for a reader token, unless it is the one the kept reader came from.
function useSsoToken(token) {
  if (reader && reader.sso === token) { showIdentity(); return; }
  call("POST", `${API}/readers/session`, { site: config.site, sso_token: token }).then((answer) => {
    if (answer.status === 200) { becomeReader(answer.data, token); } else { forgetReader(true); }
  });
}

window.addEventListener("message", (event) => {
  if (!config.origin || event.origin !== config.origin || event.source !== window.parent) { return; }
  const data = event.data || {};
  if (data.comments !== 1 || data.type !== "identity") { return; }
  if (typeof data.browserKey === "string" && BROWSER_KEY.test(data.browserKey)) { browserKey = data.browserKey; }
  const given = data.reader;
  if (!signedIn() && given && typeof given.token === "string" && given.sso === (data.sso || "")) {
    reader = given;
    save(IDENTITY, reader);
  }
  if (data.logout) { forgetReader(false); return; }
  if (data.sso) { useSsoToken(String(data.sso)); return; }
  if (reader && reader.sso) { forgetReader(true); return; } // the page no longer signs them in
  showIdentity();
});

/* ---- sign-in by an emailed code ---- */
function sendSignIn(event) {
  event.preventDefault();
  const box = event.currentTarget;
  clearErrors(box);
  const email = $("#c-sign-in-email").value.trim();
  const codeField = $("#c-sign-in-code");
  const asking = codeField.closest(".c-field").hidden;
  const button = box.querySelector(".c-sign-in-submit");
  if (!email) { formError(box, t("err_email")); return; }
  const body = { site: config.site, email, language: lang };
  if (!asking) { body.code = codeField.value.trim(); }
  button.disabled = true;
  call("POST", `${API}/readers/session`, body).then((answer) => {
    button.disabled = false;
    if (answer.status === 202) {
      codeField.closest(".c-field").hidden = false;
      button.textContent = button.getAttribute("data-sign-in");
      formError(box, t("code_sent"), true);
      codeField.focus();
    } else if (answer.status === 200) {
      becomeReader(answer.data, "");
      codeField.value = "";
      codeField.closest(".c-field").hidden = true;
      button.textContent = button.getAttribute("data-send");
      announce(t("signed_in_as", { name: reader.name }));
      $("#c-text").focus();
    } else if (answer.status === 403 || (answer.status === 422 && !asking)) {
      formError(box, t("err_bad_code"));
    } else if (answer.status === 422) {
      formError(box, t("err_email"));
    } else {
      formError(box, problem(answer));
    }
  });
}

if ($("#c-sign-in")) {
  $("#c-sign-in").addEventListener("submit", sendSignIn);
  $("#c-sign-in-toggle").addEventListener("click", (event) => {
    const opening = $("#c-sign-in").hidden;
    $("#c-sign-in").hidden = !opening;
    event.currentTarget.setAttribute("aria-expanded", String(opening));
    if (opening) { $("#c-sign-in-email").focus(); }
  });
}
if ($("#c-sign-out")) {
  $("#c-sign-out").addEventListener("click", () => {
    // Signing out here ends every session of this reader (DELETE /api/v1/readers/session).
    call("DELETE", `${API}/readers/session`, undefined, {});
    forgetReader(true);
  });
}
