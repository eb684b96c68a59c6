/* The iframe page's script: it enhances the server-rendered thread (post, reply, edit, delete,
   vote, flag, sort, load more, share) and talks to the loader through postMessage.

   It is written as the modules in this folder and served as one /embed/thread.js: they are
   joined in the order THREAD_MODULES lists (comments/web/embed/assets.py) inside one function,
   so they share its scope; each uses what the ones before it declare, and boot.js, the last,
   wires the page. This one, core, holds what they all share: the page's settings, DOM lookups,
   the thread's state, and the two ways out (to the loader, to screen readers).

   Language: ECMAScript 2017 at most, in every module and in embed.js. let/const, arrow
   functions, template literals, destructuring, classes and async/await are fine; ?., ??,
   catch without a binding, object spread, regex lookbehind and named groups (ES2018+) are not.
   With fetch, Promise, <template>, Element.closest/after/replaceWith and :scope selectors, that
   means Chrome 58+, Edge 79+, Firefox 52+, Safari 11+; Internet Explorer and pre-Chromium Edge
   never. The minifier is held to the same level and fails the build on a syntax error. */
const config = JSON.parse(document.getElementById("c-config").textContent);
const lang = config.lang;
const $ = (selector, scope) => (scope || document).querySelector(selector);
const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));
const list = $("#c-list");
const form = $("#c-form");
const template = $("#c-template");
// The thread as this page knows it; the modules after this one change it.
let count = config.count;
let sort = config.sort;
let next = config.next;

function tell(message) {
  if (!config.origin || window.parent === window) { return; }
  message.comments = 1;
  window.parent.postMessage(message, config.origin);
}

// Runs `work` once the page has painted: after the next frame (a frame, then a task), or after
// 500 ms where no frame comes (a hidden or throttled frame). For what can wait for the first paint.
function afterPaint(work) {
  let done = false;
  const run = () => { if (!done) { done = true; work(); } };
  window.requestAnimationFrame(() => { window.setTimeout(run, 0); });
  window.setTimeout(run, 500);
}

const statusRegion = $("#c-status");
function announce(text) {
  statusRegion.textContent = "";
  window.setTimeout(() => { statusRegion.textContent = text; }, 30);
}
