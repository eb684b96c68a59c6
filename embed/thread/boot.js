/* thread.js, boot (last): wires the page: the loader's messages (theme, show a comment),
   button and form listeners, the first pass over the server's page, then tells the loader
   it is ready.
   ES2017 at most: the language rule is in core.js. */
/* ---- from the loader: theming and "show this comment" ---- */
function applyTheme(vars) {
  Object.keys(vars || {}).forEach((name) => {
    const value = String(vars[name]);
    // Only our own custom properties, and nothing that could load a URL or break out of a value.
    if (/^--comments-[a-z-]{1,40}$/.test(name) && value.length < 200 && !/url\(|[;{}<>\\]|expression/i.test(value)) {
      document.documentElement.style.setProperty(name, value);
    }
  });
}

function highlight(id, tries = 0) {
  const item = document.getElementById(`comment-${id}`);
  if (!item) {
    if (next && tries < 5) { loadMore().then(() => { highlight(id, tries + 1); }); }
    return;
  }
  $$(".c-target").forEach((node) => { node.classList.remove("c-target"); });
  item.classList.add("c-target");
  item.querySelector(".c-comment").setAttribute("tabindex", "-1");
  item.querySelector(".c-comment").focus({ preventScroll: true });
  tell({ type: "scroll", top: Math.max(0, item.getBoundingClientRect().top + window.scrollY - 16) });
}

window.addEventListener("message", (event) => {
  if (!config.origin || event.origin !== config.origin || event.source !== window.parent) { return; }
  const data = event.data || {};
  if (data.comments !== 1) { return; }
  if (data.type === "theme") {
    const ground = Array.isArray(data.page) && data.page.length === 3 && data.page.every((v) => typeof v === "number") ? data.page : null;
    pageGround = ground ? ground.concat(1) : null;
    applyTheme(data.vars);
    fitAccent();
  }
  if (data.type === "show" && /^\d+$/.test(String(data.id))) { highlight(data.id); }
  if (data.type === "state" && keptByLoader) {
    restore(data.values);
    if (form) { fillReader(); }
    showPending();
    markMine();
    pressStoredVotes();
  }
});

/* ---- listeners ---- */
list.addEventListener("click", (event) => {
  const target = event.target.closest("button");
  if (!target) { return; }
  const item = target.closest(".c-item");
  if (target.classList.contains("c-vote")) { vote(item, parseInt(target.getAttribute("data-value"), 10)); }
  else if (target.classList.contains("c-reply")) { startReply(item); }
  else if (target.classList.contains("c-flag")) { flag(item, target); }
  else if (target.classList.contains("c-illegal")) { illegal(item, target); }
  else if (target.classList.contains("c-edit")) { edit(item, target); }
  else if (target.classList.contains("c-delete")) { remove(item, target); }
});

// The reader's name and addresses from last time, in fields they have not typed in yet.
function fillReader() {
  const reader = load(READER);
  ["author", "email", "website"].forEach((name) => {
    const field = form.querySelector(`[name=${name}]`);
    if (reader[name] && !field.value) { field.value = reader[name]; }
  });
}

if (form) {
  fillReader();
  form.addEventListener("submit", submitComment);
  form.querySelector(".c-preview-toggle").addEventListener("click", togglePreview);
  form.querySelector(".c-cancel-reply").addEventListener("click", () => {
    const item = form.closest(".c-item");
    resetReply();
    if (item) { item.querySelector(".c-reply").focus(); }
  });
  form.hidden = false;
}
$("#c-sort").addEventListener("change", (event) => {
  sort = event.target.value;
  getPage(null).then((answer) => { showPage(answer, true); });
});
$(".c-sort").hidden = !count; // nothing to sort on an empty thread
$("#c-more").addEventListener("click", loadMore);
$("#c-share-toggle").addEventListener("click", (event) => {
  openShare(event.currentTarget.getAttribute("aria-expanded") !== "true");
});
$("#c-share-close").addEventListener("click", () => { openShare(false); });
$("#c-share-copy").addEventListener("click", copyLink);
$("#c-share-mail").addEventListener("click", mailLink);
$("#c-share-toggle").hidden = false;
if ($("#c-share-form")) { $("#c-share-form").addEventListener("submit", sendShare); }

/* ---- the first pass over the server's page, then tell the loader ---- */
// The server wrote exact times; "5 minutes ago" can wait until the comments have painted.
afterPaint(() => { refreshTimes(document); });
window.setInterval(() => { refreshTimes(document); markMine(); }, 60000);
showPending();
markMine();
pressStoredVotes();

if (window.ResizeObserver) {
  new ResizeObserver(() => { tell({ type: "height", height: Math.ceil(document.body.getBoundingClientRect().height) }); }).observe(document.body);
}
fitAccent();
if (window.matchMedia) {
  const scheme = window.matchMedia("(prefers-color-scheme: dark)");
  if (scheme.addEventListener) { scheme.addEventListener("change", fitAccent); }
}
showIdentity();
tell(keptByLoader ? { type: "ready", uri: config.uri, count, keys: LOADER_KEYS } : { type: "ready", uri: config.uri, count });
const wanted = /^#comment-(\d+)$/.exec(window.location.hash);
if (wanted) { highlight(wanted[1]); }
startLive();
if (window.performance && performance.mark) { performance.mark("comments-ready"); }
document.documentElement.setAttribute("data-ready", "1");
