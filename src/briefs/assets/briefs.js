// Draw every chart of the page with the self-hosted Vega bundle (vega-bundle.js,
// loaded once per page). Each chart carries its Vega-Lite spec as JSON and a static
// SVG; the SVG stays visible when scripts are off, when drawing fails, and in print.
// A chart is as wide as its column and drawn again (re-laid out, not shrunk) when the
// column's width changes or the reader switches between light and dark.
(function () {
  var LOCALE = { decimal: ".", thousands: ",", grouping: [3], currency: ["$", ""] };
  // Colours the charts use on a light page, and what stands in for each on a dark one.
  var DARK = {
    "#1f5c99": "#7fb2e5", "#d9822b": "#f0a860", "#3a8f5c": "#6cc48f", "#b8403a": "#ff8a80",
    "#7a5ba6": "#b9a2e0", "#8c6d46": "#cfae84", "#c2649a": "#f29cc8", "#6b6b6b": "#b0b0b0",
    "#333": "#e0e0e0", "#333333": "#e0e0e0", "#444": "#d0d0d0", "#555": "#c8c8c8", "#555555": "#c8c8c8",
    "#888": "#a8a8a8", "#888888": "#a8a8a8", "#e6e6e6": "#3a3f44", "black": "#e0e0e0", "#000": "#e0e0e0"
  };
  var DARK_CONFIG = {
    background: null,
    axis: { labelColor: "#ced6dd", titleColor: "#ced6dd", gridColor: "#3a3f44", domainColor: "#8a949c", tickColor: "#8a949c" },
    legend: { labelColor: "#ced6dd", titleColor: "#ced6dd" },
    title: { color: "#e6ebef", subtitleColor: "#b8c1c8" },
    header: { labelColor: "#ced6dd", titleColor: "#ced6dd" },
    text: { color: "#e0e0e0" }
  };

  function dark() { return document.documentElement.dataset.theme === "dark"; }

  function recolour(node) {
    if (Array.isArray(node)) return node.map(recolour);
    if (node && typeof node === "object") {
      var out = {};
      Object.keys(node).forEach(function (k) { out[k] = k === "datasets" || k === "data" ? node[k] : recolour(node[k]); });
      return out;
    }
    if (typeof node === "string" && DARK.hasOwnProperty(node.toLowerCase())) return DARK[node.toLowerCase()];
    return node;
  }

  function wrap(text, width) {
    var lines = [];
    String(text).split(/\s+/).forEach(function (word) {
      if (!word) return;
      if (lines.length && lines[lines.length - 1].length + 1 + word.length <= width) lines[lines.length - 1] += " " + word;
      else lines.push(word);
    });
    return lines;
  }

  function specFor(fig, original, width, narrower) {
    var spec = JSON.parse(JSON.stringify(original));
    // The title wraps to the chart's width (about 8 px a character at its size).
    if (typeof spec.title === "string") spec.title = { text: wrap(spec.title, Math.max(20, Math.floor(width / 8.5))) };
    // A faceted chart has a fixed width: narrow it to the column (labels and padding take about 200 px).
    if (typeof spec.width === "number" && spec.width > width - 200) spec.width = Math.max(120, width - 200);
    if (typeof spec.width === "number" && narrower) spec.width = Math.max(60, spec.width - narrower);
    // On a narrow column a legend lists its entries one under another (side by side they overflow).
    if (width < 560) {
      spec.config = Object.assign({}, spec.config || {});
      spec.config.legend = Object.assign({}, spec.config.legend || {}, { columns: 1 });
    }
    if (dark()) {
      spec = recolour(spec);
      spec.config = Object.assign({}, spec.config || {});
      Object.keys(DARK_CONFIG).forEach(function (k) {
        var v = DARK_CONFIG[k];
        spec.config[k] = v && typeof v === "object" ? Object.assign({}, spec.config[k] || {}, v) : v;
      });
    }
    return spec;
  }

  function drawOne(fig, narrower) {
    var specNode = fig.querySelector("script.briefs-chart-spec");
    var target = fig.querySelector(".briefs-chart-live");
    if (!specNode || !target) return;
    var original;
    try { original = JSON.parse(specNode.textContent); } catch (e) { return; }
    var width = Math.round(target.getBoundingClientRect().width || fig.getBoundingClientRect().width);
    var key = width + (dark() ? "d" : "l");
    if (fig.briefsKey === key && !narrower) return;
    fig.briefsKey = key;
    delete fig.dataset.drawn;  // set again once this drawing is done
    if (fig.briefsView) { fig.briefsView.finalize(); fig.briefsView = null; }
    var spec = specFor(fig, original, width, narrower || 0);
    window.vegaEmbed(target, spec, { actions: false, renderer: "svg", formatLocale: LOCALE })
      .then(function (result) {
        fig.briefsView = result;
        // A chart of fixed width (faceted) still wider than its column is drawn again, narrower
        // by what overflows, rather than shrunk (shrinking makes its text too small to read).
        var svg = target.querySelector("svg");
        var over = svg ? Math.ceil(svg.getBoundingClientRect().width > 0 ? svg.width.baseVal.value - width : 0) : 0;
        if (over > 1 && typeof spec.width === "number" && (narrower || 0) < 400) {
          drawOne(fig, (narrower || 0) + over + 2);
          return;
        }
        fig.dataset.drawn = "true";
        fig.classList.add("briefs-chart-drawn");
      })
      .catch(function () { fig.briefsKey = null; /* keep the static image */ });
  }

  function draw() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("figure.briefs-chart").forEach(function (fig) { drawOne(fig); });
  }

  var pending = null;
  function later() { clearTimeout(pending); pending = setTimeout(draw, 150); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
})();

// A table wider than its box says so under it ("scroll sideways"), as well as by the shadow at
// its edge; checked again when the window changes size.
(function () {
  function mark() {
    document.querySelectorAll(".briefs-table, .briefs-ledger, .briefs-chart-table").forEach(function (box) {
      var table = box.querySelector("table");
      if (!table) return;
      var cue = box.querySelector(".briefs-scroll-cue");
      if (!cue) {
        cue = document.createElement("p");
        cue.className = "briefs-scroll-cue";
        cue.textContent = "Scroll sideways for more columns \u2192";
        table.insertAdjacentElement("afterend", cue);
      }
      box.dataset.overflows = table.scrollWidth > box.clientWidth + 1 ? "true" : "false";
    });
  }
  function watch() {
    mark();
    // A table's width settles as fonts and styles arrive: measure again whenever a box or table resizes.
    if (typeof ResizeObserver === "function") {
      // In the next frame: marking shows or hides the cue, which resizes the box being observed.
      var again = new ResizeObserver(function () { window.requestAnimationFrame(mark); });
      document.querySelectorAll(".briefs-table, .briefs-ledger, .briefs-chart-table").forEach(function (box) {
        again.observe(box);
        var table = box.querySelector("table");
        if (table) again.observe(table);
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
  window.addEventListener("load", mark);
  window.addEventListener("resize", mark);
})();
// "How was this number computed?": a number in the text links to its entry at the end of the
// page (that works without scripts). With scripts, a click, or focus from the keyboard, opens
// the entry beside the number; a second click (or Enter) follows the link to the entry, and
// Escape closes it.
(function () {
  var open = null, refocusing = false;

  function close(refocus) {
    if (!open) return;
    var link = open.link;
    open.pop.remove();
    link.setAttribute("aria-expanded", "false");
    link.removeAttribute("aria-controls");
    open = null;
    if (refocus) { refocusing = true; link.focus(); refocusing = false; }
  }

  function show(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").slice(1));
    var entry = id && document.getElementById(id);
    if (!entry) return;
    close(false);
    var pop = document.createElement("div");
    pop.className = "briefs-popover";
    pop.id = "briefs-popover";
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", link.getAttribute("title") || "How this number was computed");
    var shut = document.createElement("button");
    shut.type = "button";
    shut.className = "briefs-popover-close";
    shut.setAttribute("aria-label", "Close");
    shut.textContent = "\u00d7";
    pop.appendChild(shut);
    var copy = entry.cloneNode(true);
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    pop.appendChild(copy);
    var more = document.createElement("p");
    var to = document.createElement("a");
    to.href = "#" + id;
    to.textContent = "All the numbers of this page, and how each was computed";
    more.appendChild(to);
    pop.appendChild(more);
    document.body.appendChild(pop);
    var box = link.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - pop.offsetWidth - 8));
    pop.style.left = (left + window.scrollX) + "px";
    pop.style.top = (box.bottom + window.scrollY + 6) + "px";
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", "briefs-popover");
    open = { link: link, pop: pop };
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.briefs-derivation-link");
    if (link) {
      if (open && open.link === link) { close(false); return; }  // the second click follows the link
      event.preventDefault();
      show(link);
      return;
    }
    if (!open) return;
    if (event.target.closest(".briefs-popover-close")) close(true);
    else if (!open.pop.contains(event.target)) close(false);
  });
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest("a.briefs-derivation-link");
    if (link && link.matches(":focus-visible") && !refocusing) {
      if (!open || open.link !== link) show(link);
    } else if (open && !open.pop.contains(event.target) && event.target !== open.link) {
      close(false);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (!open) return;
    if (event.key === "Escape") { close(true); return; }
    // Tab from the number goes into the open entry, and out of it back to the text.
    if (event.key === "Tab" && !event.shiftKey && document.activeElement === open.link) {
      event.preventDefault();
      open.pop.querySelector("button, a").focus();
    } else if (event.key === "Tab" && open.pop.contains(document.activeElement)) {
      var stops = open.pop.querySelectorAll("button, a[href]");
      var last = stops[stops.length - 1], first = stops[0];
      if ((!event.shiftKey && document.activeElement === last) || (event.shiftKey && document.activeElement === first)) {
        event.preventDefault();
        close(true);
      }
    }
  });
})();
