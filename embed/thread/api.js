/* thread.js, api: every request the page makes. Each resolves to { status, data, retry },
   status 0 when the network failed, so callers branch on the answer and never catch.
   ES2017 at most: the language rule is in core.js. */
const API = "/api/v1";

function call(method, path, body, headers = {}) {
  if (method !== "GET") { identityHeaders(headers); } // identity.js: reads never carry it
  const options = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  return fetch(path, options).then((response) => response.text().then((text) => {
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    return { status: response.status, data, retry: response.headers.get("Retry-After") };
  }), () => ({ status: 0, data: null, retry: null }));
}

function getPage(after) {
  const query = `?site=${encodeURIComponent(config.site)}&uri=${encodeURIComponent(config.uri)}` +
    `&sort=${sort}&limit=${config.limit}` + (after ? `&after=${encodeURIComponent(after)}` : "");
  return call("GET", `${API}/comments${query}`);
}

// The key makes a retried post (a timeout, a double click) land once.
function postComment(body, key) {
  return call("POST", `${API}/comments`, body, { "Idempotency-Key": key });
}

function postPreview(text) {
  return call("POST", `${API}/preview`, { text });
}

function patchComment(id, text, token) {
  return call("PATCH", `${API}/comments/${id}`, { text }, { "X-Edit-Token": token });
}

function deleteComment(id, token) {
  return call("DELETE", `${API}/comments/${id}`, undefined, { "X-Edit-Token": token });
}

function postVote(id, value) {
  return call("POST", `${API}/comments/${id}/votes`, { value });
}

function postFlag(id, reason) {
  return call("POST", `${API}/comments/${id}/flags`, { reason });
}

function postShareLink() {
  return call("POST", `${API}/shares/links`, { site: config.site, uri: config.uri, title: config.title });
}

function postShare(body) {
  return call("POST", `${API}/shares`, body);
}

// A new form token (the signed time a form was shown) for the next comment or share.
function getFormToken() {
  return call("GET", "/embed/token");
}
