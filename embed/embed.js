/* Comments loader. On an article page:
   <div id="comments"></div>
   <script src="https://COMMENTS-HOST/embed.js" data-site="default" async></script>
   It puts the thread in an iframe from the comments host and fills [data-comments-count].
   It runs on the publisher's page, so it stays one small file with no dependencies.
   Language: ECMAScript 2017 at most, the rule of the iframe's script (written out in
   embed/thread/core.js): Chrome 58+, Edge 79+, Firefox 52+, Safari 11+. */
(function (w, d) {
  "use strict";
  var frames = w.__commentsFrames = w.__commentsFrames || [];
  var NAMES = { en: "Comments", de: "Kommentare", fr: "Commentaires", es: "Comentarios", ko: "댓글", ja: "コメント" };
  var THEME = ["accent", "accent-text", "text", "muted", "bg", "surface", "field", "border", "error", "ok",
    "highlight", "font", "font-size", "radius"];

  var plural = null;
  function text(el, n) {
    // The page's own language decides which wording is the singular (French: 0 and 1).
    try { plural = plural || new Intl.PluralRules(d.documentElement.lang || undefined); } catch (e) { plural = null; }
    var one = plural ? plural.select(n) === "one" : n === 1;
    var form = el.getAttribute("data-comments-" + (one ? "one" : "other"));
    el.textContent = form ? form.replace("{n}", n) : String(n);
  }

  function shown(origin, site, uri, n) {
    d.querySelectorAll("[data-comments-count]").forEach(function (el) {
      if (el.__comments && el.__comments[0] === origin && el.__comments[1] === site &&
          el.getAttribute("data-comments-count") === uri) { text(el, n); }
    });
  }

  function counts(origin, site) {
    var wanted = [];
    d.querySelectorAll("[data-comments-count]").forEach(function (el) {
      if (el.__comments || (el.getAttribute("data-comments-site") || site) !== site) { return; }
      el.__comments = [origin, site];
      var uri = el.getAttribute("data-comments-count");
      if (uri.charAt(0) === "/" && wanted.indexOf(uri) < 0) { wanted.push(uri); }
    });
    for (var i = 0; i < wanted.length; i += 100) {
      var query = wanted.slice(i, i + 100).map(function (uri) { return "&uri=" + encodeURIComponent(uri); }).join("");
      fetch(origin + "/api/v1/counts?site=" + encodeURIComponent(site) + query, { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : { counts: {} }; })
        .then(function (body) {
          Object.keys(body.counts || {}).forEach(function (uri) { shown(origin, site, uri, body.counts[uri]); });
        }, function () { /* counts are decoration: leave the page as it is */ });
    }
  }

  function onMessage(event) {
    var f = null;
    frames.forEach(function (each) { if (each.frame.contentWindow === event.source) { f = each; } });
    var data = event.data;
    if (!f || event.origin !== f.origin || !data || data.comments !== 1) { return; }
    if (data.type === "height" && data.height > 0) {
      f.frame.style.height = Math.min(Math.ceil(data.height), 200000) + "px";
    } else if (data.type === "ready") {
      f.ready = 1;
      if (f.hint) { f.hint.parentNode.removeChild(f.hint); f.hint = null; f.frame.style.display = "block"; }
      var style = w.getComputedStyle(f.target);
      var vars = {};
      THEME.forEach(function (name) {
        var value = style.getPropertyValue("--comments-" + name).trim();
        if (value) { vars["--comments-" + name] = value; }
      });
      f.frame.contentWindow.postMessage({ comments: 1, type: "theme", vars: vars, page: pageBackground(f.target) }, f.origin);
      // A frame denied its own storage names the keys it wants back; only such a frame has
      // its state and identity kept here. A same-site frame keeps its own, and nothing lands
      // in this page's storage for it.
      f.kept = Array.isArray(data.keys);
      if (f.kept) { handState(f, data.keys); }
      sendIdentity(f, {});
    } else if (data.type === "store" && STATE_KEY.test(data.key) && typeof data.value === "string" &&
               data.value.length <= 100000) {
      try { w.localStorage.setItem("comments:" + f.origin + ":" + data.key, data.value); } catch (e) { /* denied or full */ }
    } else if (data.type === "count" && typeof data.count === "number") {
      shown(f.origin, f.site, f.uri, data.count);
    } else if (data.type === "identity" && f.kept) {
      keep(identityKey(f), data.reader && typeof data.reader.token === "string" ? data.reader : null);
    } else if (data.type === "scroll" && data.top >= 0) {
      w.scrollTo({ top: f.frame.getBoundingClientRect().top + w.pageYOffset + data.top, behavior: "smooth" });
    }
  }

  /* Theme "auto" follows the page the thread sits on, not the reader's system: the first opaque
     background from the container up decides light or dark; a page without one is the
     browser's canvas, dark only where the page asks for a dark colour scheme. */
  function pageBackground(target) {
    for (var node = target; node && node.nodeType === 1; node = node.parentElement) {
      var m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(w.getComputedStyle(node).backgroundColor);
      if (m && (m[4] === undefined || parseFloat(m[4]) >= 0.5)) { return [+m[1], +m[2], +m[3]]; }
    }
    return null;
  }
  function theme(asked, target) {
    if (asked !== "auto") { return asked; }
    var rgb = pageBackground(target);
    if (!rgb) {
      var scheme = w.getComputedStyle(d.documentElement).colorScheme || "";
      var dark = /dark/.test(scheme) && (!/light/.test(scheme) || (w.matchMedia && w.matchMedia("(prefers-color-scheme: dark)").matches));
      return dark ? "dark" : "light";
    }
    var lum = rgb.map(function (c) { c /= 255; return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
    return 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] < 0.18 ? "dark" : "light";
  }

  /* Identity: the reader token and the anonymous browser key, kept here in the page's own
     storage for a frame denied its own (a cross-site frame where third-party storage is
     blocked), under the frame's origin and the frame's own key names, like its state below;
     handed to the frame on each load. A same-site frame gets only the page's SSO token.
     An SSO reader's kept token is used only while the page hands over the same SSO token. */
  var KEY_SHAPE = /^[A-Za-z0-9_-]{22,64}$/;
  function kept(name) {
    try { return JSON.parse(w.localStorage.getItem(name) || "null"); } catch (e) { return null; }
  }
  function keep(name, value) {
    try {
      if (value) { w.localStorage.setItem(name, JSON.stringify(value)); } else { w.localStorage.removeItem(name); }
    } catch (e) { /* no storage here either: the frame keeps them for this visit */ }
  }
  function identityKey(f) { return "comments:" + f.origin + ":comments.identity." + f.site; }
  function browserKey(origin) {
    var name = "comments:" + origin + ":comments.browser";
    var key = kept(name);
    if (typeof key !== "string" || !KEY_SHAPE.test(key)) {
      var bytes = new Uint8Array(18);
      w.crypto.getRandomValues(bytes);
      key = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
      keep(name, key);
    }
    return key;
  }
  function sendIdentity(f, extra) {
    var reader = f.kept ? kept(identityKey(f)) : null;
    if (reader && (reader.sso || "") !== (f.sso || "")) {
      // Signed in by another SSO token, or the page no longer hands one over.
      if (!f.sso || reader.sso) { keep(identityKey(f), null); }
      reader = null;
    }
    var message = { comments: 1, type: "identity", reader: reader, sso: f.sso || "",
      browserKey: f.kept ? browserKey(f.origin) : null };
    Object.keys(extra).forEach(function (name) { message[name] = extra[name]; });
    f.frame.contentWindow.postMessage(message, f.origin);
  }
  // window.comments.login(token) / logout(): for pages that sign readers in without a reload.
  var api = w.comments = w.comments || {};
  api.login = api.login || function (token) {
    frames.forEach(function (f) { f.sso = String(token || ""); if (f.ready) { sendIdentity(f, {}); } });
  };
  api.logout = api.logout || function () {
    frames.forEach(function (f) { f.sso = ""; keep(identityKey(f), null); if (f.ready) { sendIdentity(f, { logout: 1 }); } });
  };

  function embed(script) {
    var origin = new URL(script.src, w.location.href).origin;
    var data = script.dataset;
    var site = data.site || "default";
    var target = d.querySelector(data.target || "#comments");
    if (target && !target.hasAttribute("data-comments-embedded")) {
      target.setAttribute("data-comments-embedded", "1");
      var lang = data.lang || (navigator.languages && navigator.languages[0]) || navigator.language || "";
      var uri = data.uri || w.location.pathname;
      var params = new URLSearchParams({ site: site, uri: uri, title: data.title || d.title, lang: lang,
        theme: theme(data.theme || "auto", target), origin: w.location.origin });
      var frame = d.createElement("iframe");
      var hash = /^#comment-\d+$/.test(w.location.hash) ? w.location.hash : "";
      frame.src = origin + "/embed/thread?" + params + hash;
      frame.title = NAMES[lang.slice(0, 2).toLowerCase()] || NAMES.en;
      frame.setAttribute("scrolling", "no");
      frame.setAttribute("allow", "clipboard-write"); // "Copy link" inside the frame
      frame.style.cssText = "width:100%;min-width:280px;height:480px;border:0;display:block;overflow:hidden;color-scheme:normal";
      var place = function () {
        // "auto" is decided as the frame goes in: by then the page has its final background.
        params.set("theme", theme(data.theme || "auto", target));
        frame.src = origin + "/embed/thread?" + params + hash;
        var f = { frame: frame, origin: origin, site: site, uri: uri, target: target, lang: lang, sso: data.ssoToken || "" };
        frame.addEventListener("load", function () { w.setTimeout(function () { refused(f); }, 1500); });
        target.appendChild(frame);
        frames.push(f);
      };
      // The thread loads only when it is about to scroll into view (or at once for a permalink).
      if (hash || !w.IntersectionObserver) { place(); } else {
        var near = new IntersectionObserver(function (seen) {
          if (seen.some(function (e) { return e.isIntersecting; })) { near.disconnect(); place(); }
        }, { rootMargin: "600px 0px" });
        near.observe(target);
      }
    }
    counts(origin, site);
  }

  /* A reader's state for a cross-site frame the browser denies its own storage: kept here, in the
     publisher page's first-party storage, under the comments host's origin; only the keys the
     thread uses, handed back only to a frame of that origin. */
  var STATE_KEY = /^comments\.(reader|(mine|votes)\.[A-Za-z0-9_.-]{1,64})$/;
  function handState(f, keys) {
    var values = {};
    keys.forEach(function (key) {
      if (typeof key !== "string" || !STATE_KEY.test(key)) { return; }
      try {
        var value = w.localStorage.getItem("comments:" + f.origin + ":" + key);
        if (value !== null) { values[key] = value; }
      } catch (e) { /* denied: nothing to hand back */ }
    });
    f.frame.contentWindow.postMessage({ comments: 1, type: "state", values: values }, f.origin);
  }

  /* A frame that loaded but never said "ready": the comments host refused to be framed here
     (CSP frame-ancestors: this page's origin is not one the site allows). Instead of the
     browser's broken-frame icon, a short hint on the page, and the fix in the console. */
  var REFUSED = { en: "The comments cannot be shown on this page.",
    de: "Die Kommentare können auf dieser Seite nicht angezeigt werden.",
    fr: "Les commentaires ne peuvent pas être affichés sur cette page.",
    es: "Los comentarios no se pueden mostrar en esta página.",
    ko: "이 페이지에서는 댓글을 표시할 수 없습니다.",
    ja: "このページではコメントを表示できません。" };
  function refused(f) {
    if (f.ready || f.hint) { return; }
    var hint = f.hint = d.createElement("p");
    hint.className = "comments-hint";
    hint.setAttribute("role", "status");
    hint.style.cssText = "margin:1em 0;padding:.75em 1em;border:1px dashed currentColor;border-radius:6px";
    hint.textContent = REFUSED[f.lang.slice(0, 2).toLowerCase()] || REFUSED.en;
    f.frame.style.display = "none";
    f.target.appendChild(hint);
    if (w.console && console.warn) {
      console.warn("Comments: " + w.location.origin + " may not show the thread of site \"" + f.site + "\". " +
        "If this page is yours, allow its origin: comments sites update " + f.site + " --add-origin " + w.location.origin);
    }
  }

  if (!w.__commentsListening) {
    w.__commentsListening = 1;
    w.addEventListener("message", onMessage);
    w.addEventListener("hashchange", function () {
      var id = /^#comment-(\d+)$/.exec(w.location.hash);
      if (!id) { return; }
      frames.forEach(function (f) { f.frame.contentWindow.postMessage({ comments: 1, type: "show", id: id[1] }, f.origin); });
    });
  }

  var script = d.currentScript; // only known while this file first runs
  function start() {
    if (script) {
      embed(script);
    } else {
      d.querySelectorAll("script[src*='/embed.js']").forEach(function (each) {
        if (!each.__comments) { each.__comments = 1; embed(each); }
      });
    }
  }
  // In the page's <head>, the target and the count elements do not exist yet.
  if (d.readyState === "loading") { d.addEventListener("DOMContentLoaded", start); } else { start(); }
})(window, document);
