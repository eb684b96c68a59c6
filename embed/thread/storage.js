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
