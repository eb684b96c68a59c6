/* thread.js, boot (last): wires the page: the loader's messages (theme, show a comment),
   button and form listeners, the first pass over the server's page, then tells the loader
   it is ready.
   ES2017 at most: the language rule is in core.js. */
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
  getPage(null).then(function (answer) { showPage(answer, true); });
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
