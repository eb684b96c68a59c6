/* thread.js, contrast: whatever accent a site gives, every text stays at WCAG AA (4.5:1).
   The accent is written as text (links, quiet buttons, pressed votes) on the page's background,
   the surfaces and the highlight, and as a fill under the button text: where the given colour
   falls short, it is moved towards white on dark grounds (towards black on light ones) until it
   reaches the ratio, and the button text becomes black or white, whichever reads better.
   ES2017 at most: the language rule is in core.js. */
const AA = 4.5;
let pageGround = null; // the publisher page's background under a transparent frame, from the loader
let paint = null;

// Any CSS colour as [r, g, b, a] (0-255, alpha 0-1), read back from a 1x1 canvas.
function colour(value) {
  if (!value) { return null; }
  if (!paint) {
    const canvas = document.createElement("canvas");
    canvas.width = 1;
    canvas.height = 1;
    paint = canvas.getContext("2d", { willReadFrequently: true });
  }
  if (!paint) { return null; }
  paint.clearRect(0, 0, 1, 1);
  paint.fillStyle = "rgba(0, 0, 0, 0)";
  paint.fillStyle = value;
  paint.fillRect(0, 0, 1, 1);
  const d = paint.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
}

function over(top, ground) {
  if (!top) { return ground; }
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + ground[i] * (1 - a)).concat(1);
}

function luminance(c) {
  const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function css(c) { return `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(", ")})`; }

function fitAccent() {
  const root = document.documentElement;
  root.style.removeProperty("--c-accent");
  root.style.removeProperty("--c-accent-text");
  const style = window.getComputedStyle(root);
  const read = (name) => colour(style.getPropertyValue(name).trim());
  const dark = style.colorScheme === "dark";
  const base = over(read("--c-bg"), pageGround || (dark ? [18, 20, 23, 1] : [255, 255, 255, 1]));
  const grounds = [base, over(read("--c-surface"), base), over(read("--c-mark"), base), over(read("--c-field"), base)];
  const given = read("--c-accent");
  if (given) {
    let accent = over(given, base);
    const towards = luminance(base) < 0.18 ? 255 : 0;
    const worst = () => Math.min.apply(null, grounds.map((g) => ratio(accent, g)));
    for (let step = 0; step < 40 && worst() < AA; step++) {
      accent = accent.map((v, i) => (i < 3 ? v + (towards - v) * 0.08 : 1));
    }
    if (accent.some((v, i) => i < 3 && Math.round(v) !== Math.round(over(given, base)[i]))) {
      root.style.setProperty("--c-accent", css(accent));
    }
    const label = read("--c-accent-text");
    if (!label || ratio(over(label, accent), accent) < AA) {
      root.style.setProperty("--c-accent-text", ratio([0, 0, 0], accent) >= ratio([255, 255, 255], accent) ? "#000" : "#fff");
    }
  }
  root.setAttribute("data-accent-fitted", style.getPropertyValue("--comments-accent").trim());
}
