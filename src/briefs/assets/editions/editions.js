/* The editions of this book, shared by every edition and rewritten by `briefs release`.
 *
 * Every page knows its own edition (built in, on nav.briefs-editions) and loads this file
 * from the site's root, so an edition released long ago learns about later ones without
 * being rebuilt. It lists every edition in the sidebar switcher, linking to the same page
 * in each, and on a page of any edition but the preferred (latest) one it shows a banner
 * linking to that page in the latest edition.
 *
 * EDITIONS is a copy of versions.json written at the same release: browsers refuse to fetch
 * JSON from file://, and a book opened from disk must still switch editions. Over http(s)
 * versions.json itself is read as well and wins if it differs.
 */
(function () {
  "use strict";
  var EDITIONS = __BRIEFS_EDITIONS__;

  /* Which editions to list, and whether (and where to) this page needs the banner.
   * `entries` is the versions.json list, `here` the page's edition, `page` its path
   * inside an edition, `versionsUrl` the absolute URL that entry URLs are relative to. */
  function plan(entries, here, page, versionsUrl) {
    var list = [];
    var preferred = null;
    var current = null;
    (entries || []).forEach(function (entry) {
      if (!entry || typeof entry.version !== "string") return;
      var root = new URL(entry.url || entry.version + "/", versionsUrl).href;
      var item = {
        version: entry.version,
        name: entry.name || entry.version,
        root: root,
        href: new URL(page, root).href,
        current: entry.version === here,
        preferred: entry.preferred === true
      };
      if (item.preferred && !preferred) preferred = item;
      if (item.current && !current) current = item;
      list.push(item);
    });
    if (!preferred && list.length) preferred = list[0];
    var banner = null;
    if (preferred && preferred.version !== here) {
      banner = {
        here: here,
        listed: current !== null,
        latest: preferred.version,
        href: preferred.href,
        home: new URL("index.html", preferred.root).href
      };
    }
    return { list: list, banner: banner, currentName: current ? current.name : here, currentVersion: here };
  }

  function showBanner(banner) {
    var old = document.getElementById("briefs-edition-banner");
    if (old) old.parentNode.removeChild(old);
    if (!banner) return;
    var aside = document.createElement("aside");
    aside.id = "briefs-edition-banner";
    aside.className = "briefs-edition-banner d-print-none";
    aside.setAttribute("aria-label", "Edition notice");
    aside.style.cssText =
      "background: var(--pst-color-warning-bg, #fff3cd); color: var(--pst-color-text-base, #222);" +
      "border-bottom: 1px solid var(--pst-color-warning, #d4a017); padding: 0.6rem 1rem;" +
      "text-align: center; font-size: 0.95rem;";
    var text = document.createElement("span");
    text.textContent = banner.listed
      ? "You are reading edition " + banner.here + ", an earlier edition of this book. "
      : "Edition " + banner.here + " is no longer listed among the editions of this book. ";
    var link = document.createElement("a");
    link.href = banner.href;
    link.textContent = "Read this page in the latest edition (" + banner.latest + ")";
    var strong = document.createElement("strong");
    strong.appendChild(link);
    aside.appendChild(text);
    aside.appendChild(strong);
    var skip = document.getElementById("pst-skip-link");
    var before = skip ? skip.nextSibling : document.body.firstChild;
    document.body.insertBefore(aside, before);
    // Over http(s) a missing page can be detected; from disk the link is kept as it is.
    if (/^https?:$/.test(window.location.protocol) && window.fetch) {
      window.fetch(banner.href, { method: "HEAD" }).then(function (response) {
        if (!response.ok) {
          link.href = banner.home;
          link.textContent = "Go to the latest edition (" + banner.latest + "), which has no such page";
        }
      }).catch(function () {});
    }
  }

  function render(nav, entries, versionsUrl) {
    var result = plan(entries, nav.getAttribute("data-edition"), nav.getAttribute("data-page"), versionsUrl);
    if (!result.list.length) return;
    var ul = nav.querySelector(".briefs-editions__list");
    if (ul) {
      while (ul.firstChild) ul.removeChild(ul.firstChild);
      result.list.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.href;
        a.textContent = item.name;
        if (item.current) a.setAttribute("aria-current", "page");
        li.appendChild(a);
        ul.appendChild(li);
      });
    }
    var label = nav.querySelector(".briefs-editions__current");
    if (label) {
      // "2026.11 (latest)": the version, then what the list says of it, which narrow screens
      // keep for screen readers only.
      label.textContent = result.currentVersion;
      var rest = result.currentName.indexOf(result.currentVersion) === 0
        ? result.currentName.slice(result.currentVersion.length) : "";
      if (rest) {
        var tag = document.createElement("span");
        tag.className = "briefs-editions__tag";
        tag.textContent = rest;
        label.appendChild(tag);
      }
    }
    showBanner(result.banner);
  }

  function start() {
    var nav = document.querySelector("nav.briefs-editions");
    if (!nav) return;
    var siteRoot = new URL(nav.getAttribute("data-site"), window.location.href);
    var versionsUrl = new URL("versions.json", siteRoot).href;
    render(nav, EDITIONS, versionsUrl);
    if (/^https?:$/.test(window.location.protocol) && window.fetch) {
      window.fetch(versionsUrl, { cache: "no-cache" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (Array.isArray(data) && data.length && JSON.stringify(data) !== JSON.stringify(EDITIONS)) {
            render(nav, data, versionsUrl);
          }
        })
        .catch(function () {});
    }
  }

  if (typeof module === "object" && module.exports) {
    module.exports = { plan: plan, editions: EDITIONS };
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
