// Draw every chart of the page with the self-hosted Vega bundle (vega-bundle.js,
// loaded once per page). Each chart carries its Vega-Lite spec as JSON and a static
// SVG; the SVG stays visible when scripts are off, when drawing fails, and in print.
(function () {
  function draw() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("figure.briefs-chart").forEach(function (fig) {
      var specNode = fig.querySelector("script.briefs-chart-spec");
      var target = fig.querySelector(".briefs-chart-live");
      if (!specNode || !target || fig.dataset.drawn) return;
      var spec;
      try { spec = JSON.parse(specNode.textContent); } catch (e) { return; }
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg",
        formatLocale: { decimal: ".", thousands: ",", grouping: [3], currency: ["$", ""] } })
        .then(function () { fig.dataset.drawn = "true"; fig.classList.add("briefs-chart-drawn"); })
        .catch(function () { /* keep the static image */ });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
// A table wider than its box says so under it ("scroll sideways"), as well as by the shadow at
// its edge; checked again when the window changes size.
(function () {
  function mark() {
    document.querySelectorAll(".briefs-table, .briefs-ledger").forEach(function (box) {
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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  window.addEventListener("resize", mark);
})();
