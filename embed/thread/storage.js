/* thread.js, storage: what the reader's browser keeps: their own comments (edit tokens and
   the text, and held ones to show again), their name and addresses for the form, their votes.
   ES2017 at most: the language rule is in core.js. */
const MINE = `comments.mine.${config.site}`;
const READER = "comments.reader";
const VOTES = `comments.votes.${config.site}`;
const WEEK = 7 * 24 * 3600 * 1000;

// Where the browser denies a framed page its storage (strict third-party settings), tokens
// live in memory: the reader can still edit during this visit.
const memory = {};
function load(key) {
  try {
    const raw = window.localStorage.getItem(key);
    if (raw) { return JSON.parse(raw) || {}; }
  } catch (e) { /* denied or corrupt: fall back to this visit's memory */ }
  return memory[key] ? JSON.parse(memory[key]) : {};
}
function save(key, value) {
  memory[key] = JSON.stringify(value);
  try { window.localStorage.setItem(key, memory[key]); } catch (e) { /* denied or full */ }
  if (keptByLoader) { tell({ type: "store", key, value: memory[key] }); }
}
// The reader's comments still open to edit, and held ones for a week (to show them again).
function mine() {
  const all = load(MINE);
  const now = Date.now();
  Object.keys(all).forEach((id) => {
    const entry = all[id];
    if (entry.until < now && !(entry.pending && entry.at > now - WEEK)) { delete all[id]; }
  });
  return all;
}
function remember(id, fields) {
  const all = mine();
  all[id] = Object.assign(all[id] || {}, fields);
  save(MINE, all);
}
function forget(id) {
  const all = mine();
  delete all[id];
  save(MINE, all);
}

// A cross-site frame whose own storage the browser refuses (third-party cookies blocked) keeps
// the reader's state in the publisher page's first-party storage instead: the loader holds it
// under this comments host's origin and hands it back when the frame says "ready" (both sides
// check the other's origin). Same-site frames keep it in their own storage and never do this.
const keptByLoader = (() => {
  try {
    window.localStorage.setItem("comments.probe", "1");
    window.localStorage.removeItem("comments.probe");
    return false;
  } catch (e) {
    return !!config.origin && window.parent !== window;
  }
})();
const LOADER_KEYS = [MINE, READER, VOTES];

// The loader's answer: what this frame saved on earlier visits. What this visit saved already
// (a comment posted before the answer came) wins over it.
function restore(values) {
  LOADER_KEYS.forEach((key) => {
    const raw = values && values[key];
    if (typeof raw !== "string" || raw.length > 100000) { return; }
    let stored = null;
    try { stored = JSON.parse(raw); } catch (e) { return; }
    if (!stored || typeof stored !== "object" || Array.isArray(stored)) { return; }
    memory[key] = JSON.stringify(Object.assign(stored, memory[key] ? JSON.parse(memory[key]) : {}));
  });
}
