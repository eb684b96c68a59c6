// The queue from the keyboard and bulk selection: plain JS on top of forms that work without it.
(function () {
  "use strict";
  var KEYS = { a: "approve", r: "reject", s: "spam", d: "delete" };
  var STORE = "moderate.focus";

  function items() { return Array.prototype.slice.call(document.querySelectorAll(".items .item")); }

  function focusAt(index) {
    var list = items();
    if (!list.length) { return; }
    index = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (el) { el.classList.remove("current"); });
    list[index].classList.add("current");
    list[index].focus({ preventScroll: false });
    try { sessionStorage.setItem(STORE, String(index)); } catch (e) { /* storage may be off */ }
  }

  function currentIndex() {
    var list = items();
    for (var i = 0; i < list.length; i++) { if (list[i].classList.contains("current")) { return i; } }
    return -1;
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function updateCount() {
    var boxes = document.querySelectorAll('input[name="ids"]');
    var chosen = document.querySelectorAll('input[name="ids"]:checked').length;
    var out = document.querySelector(".selected-count");
    if (out) { out.textContent = chosen ? chosen + " selected" : ""; }
    var all = document.getElementById("select-all");
    if (all) { all.checked = boxes.length > 0 && chosen === boxes.length; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var index = currentIndex();
    var list = items();
    var key = event.key;
    if (key === "j") { focusAt(index + 1); event.preventDefault(); return; }
    if (key === "k") { focusAt(index < 0 ? 0 : index - 1); event.preventDefault(); return; }
    if (index < 0) { return; }
    var item = list[index];
    if (key === "x") {
      var box = item.querySelector('input[name="ids"]');
      if (box) { box.checked = !box.checked; updateCount(); }
      event.preventDefault();
    } else if (key === "o") {
      var details = item.querySelector('a[href*="/moderate/comments/"]');
      if (details) { window.location.assign(details.href); }
    } else if (KEYS[key]) {
      var form = item.querySelector('form[data-action="' + KEYS[key] + '"]');
      // A published comment with flags has no Approve: "a" keeps it, dismissing the flags.
      if (!form && key === "a") { form = item.querySelector('form[data-action="keep"]'); }
      if (form) { event.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("select-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = all.checked; });
        updateCount();
      });
    }
    document.addEventListener("change", function (event) {
      if (event.target && event.target.name === "ids") { updateCount(); }
    });
    items().forEach(function (el, i) {
      el.addEventListener("click", function (event) {
        if (!event.target.closest("button, a, input, label")) { focusAt(i); }
      });
    });
    var saved = -1;
    try { saved = parseInt(sessionStorage.getItem(STORE) || "-1", 10); } catch (e) { saved = -1; }
    if (saved >= 0 && items().length) { focusAt(saved); }
    var bulk = document.getElementById("bulk-form");
    if (bulk) {
      bulk.addEventListener("submit", function (event) {
        if (!document.querySelectorAll('input[name="ids"]:checked').length) {
          event.preventDefault();
          var out = document.querySelector(".selected-count");
          if (out) { out.textContent = "Select at least one comment first."; }
        }
      });
    }
  });
})();
