/* thread.js, storage: what the reader's browser keeps: their own comments (edit tokens and
   the text, and held ones to show again), their name and addresses for the form, their votes.
   ES2017 at most: the language rule is in core.js. */
var MINE = "comments.mine." + config.site;
var READER = "comments.reader";
var VOTES = "comments.votes." + config.site;

// Where the browser denies a framed page its storage (strict third-party settings), tokens
// live in memory: the reader can still edit during this visit.
var memory = {};
function load(key) {
  try {
    var raw = window.localStorage.getItem(key);
    if (raw) { return JSON.parse(raw) || {}; }
  } catch (e) { /* denied or corrupt: fall back to this visit's memory */ }
  return memory[key] ? JSON.parse(memory[key]) : {};
}
function save(key, value) {
  memory[key] = JSON.stringify(value);
  try { window.localStorage.setItem(key, memory[key]); } catch (e) { /* denied or full */ }
}
function mine() {
  var all = load(MINE);
  var now = Date.now();
  var week = 7 * 24 * 3600 * 1000;
  Object.keys(all).forEach(function (id) {
    var entry = all[id];
    if (entry.until < now && !(entry.pending && entry.at > now - week)) { delete all[id]; }
  });
  return all;
}
function remember(id, fields) {
  var all = mine();
  var entry = all[id] || {};
  Object.keys(fields).forEach(function (name) { entry[name] = fields[name]; });
  all[id] = entry;
  save(MINE, all);
}
function forget(id) {
  var all = mine();
  delete all[id];
  save(MINE, all);
}
