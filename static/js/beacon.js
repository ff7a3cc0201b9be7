/* Page views: after the page is shown, send its path, the referrer and the UTM parameters to
 * /collect (analytics/pageviews.py). No cookie, no storage, nothing read from the page's content.
 * A prerendered page counts only once a person actually sees it. */
(function () {
  "use strict";
  // The site's root ("/", or "/<stage>/" on the execute-api host): templates/base.html's data-root.
  var ROOT = document.documentElement.getAttribute("data-root") || "/";
  if (!navigator.sendBeacon && !window.fetch) return;

  function send() {
    var query = new URLSearchParams(location.search);
    var body = JSON.stringify({
      // The path under the site's root, the same whichever host served the page.
      p: location.pathname.indexOf(ROOT) === 0 ? location.pathname.slice(ROOT.length - 1) : location.pathname,
      r: document.referrer || null,
      u: { source: query.get("utm_source"), medium: query.get("utm_medium"), campaign: query.get("utm_campaign") }
    });
    // text/plain is a CORS-safelisted type: no preflight, and the beacon survives the page unloading.
    var blob = new Blob([body], { type: "text/plain" });
    if (!(navigator.sendBeacon && navigator.sendBeacon(ROOT + "collect", blob))) {
      fetch(ROOT + "collect", { method: "POST", body: blob, keepalive: true, credentials: "omit" }).catch(function () {});
    }
  }

  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
