/* thread.js, strings: the reader's language: words with their plural forms, what went wrong
   in words, and times ("5 minutes ago", the exact time on hover).
   ES2017 at most: the language rule is in core.js. */
const S = config.strings;
const plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
// The time formats are made when first used: making the relative one loads its locale data,
// 10-25 ms in a fresh frame, more than all the rest of the script's start (boot.js shows the
// times only once the page has painted).
let formats = null;
function timeFormats() {
  if (!formats) {
    formats = {
      relative: window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null,
      exact: new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" }),
      short: new Intl.DateTimeFormat(lang, { dateStyle: "medium" })
    };
  }
  return formats;
}

function t(key, values = {}) {
  let entry = S[key];
  if (entry === undefined) { return key; }
  if (typeof entry === "object") {
    const category = plurals ? plurals.select(values.n || 0) : (values.n === 1 ? "one" : "other");
    entry = entry[category] || entry.other;
  }
  return String(entry).replace(/\{(\w+)\}/g, (all, name) => values[name] === undefined ? all : String(values[name]));
}

const STATUS_WORDS = { 0: "err_network", 400: "err_malformed", 404: "err_not_found", 409: "err_conflict",
  413: "err_too_large", 422: "err_invalid", 503: "err_unavailable" };
const FORBIDDEN_WORDS = { thread_closed: "err_closed", banned: "err_banned",
  bad_token: "err_bad_token", edit_window_over: "err_edit_over", own_comment: "err_own_vote",
  bad_form_token: "err_form_expired", sign_in_required: "err_sign_in",
  bad_reader_token: "err_bad_reader_token", bad_code: "err_bad_code" };
function problem(answer) {
  if (answer.status === 429) { return t("err_rate", { n: parseInt(answer.retry, 10) || 60 }); }
  if (answer.status === 403) { return t(FORBIDDEN_WORDS[answer.data && answer.data.error] || "err_forbidden"); }
  return t(STATUS_WORDS[answer.status] || "err_generic");
}

const FIELD_WORDS = { author: "err_author", email: "err_email", website: "err_website", text: "err_text",
  to: "err_email", from_email: "err_email", from_name: "err_author", note: "err_note" };

// Below 45 seconds, "just now"; then minutes, hours and days; past a month, the date.
const UNITS = [["minute", 60, 3600], ["hour", 3600, 86400], ["day", 86400, 2592000]];
function ago(date) {
  const { relative, short } = timeFormats();
  const seconds = (date.getTime() - Date.now()) / 1000;
  const size = Math.abs(seconds);
  if (size < 45 || !relative) { return size < 45 ? t("just_now") : short.format(date); }
  for (const [unit, length, limit] of UNITS) {
    if (size < limit) { return relative.format(Math.round(seconds / length), unit); }
  }
  return short.format(date);
}
function refreshTimes(scope) {
  $$("time[datetime]", scope).forEach((node) => {
    const value = node.getAttribute("datetime");
    if (!value) { return; }
    const date = new Date(value);
    if (isNaN(date.getTime())) { return; }
    node.textContent = ago(date);
    node.title = timeFormats().exact.format(date);
  });
}
