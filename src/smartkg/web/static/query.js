/* smartkg query page: YASGUI (vendored, no CDN) pointed at this server's /sparql, with the
   catalogue's queries as ready examples. Sets data-ready="true" on #yasgui once it runs. */
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var data = document.getElementById("smartkg-queries");
  if (!root || !data || typeof Yasgui === "undefined") {
    return;
  }
  var queries = JSON.parse(data.textContent);
  var byName = {};
  queries.forEach(function (q) {
    byName[q.name] = q;
  });
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
  // Only completers that work offline: prefixes from the bundled list, and variables.
  var offline = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.autocompleters = offline.slice();
  Yasgui.defaults.yasqe.autocompleters = offline.slice();
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
      keys: []
    },
    yasqe: { prefixCcApi: null }
  });
  function open(name, inNewTab) {
    var q = byName[name];
    if (!q) {
      return;
    }
    var tab = inNewTab ? yasgui.addTab(true, { name: q.title }) : yasgui.getTab();
    if (!inNewTab) {
      tab.setName(q.title);
    }
    tab.setEndpoint(endpoint);
    tab.setQuery(q.text);
  }
  var initial = root.getAttribute("data-initial");
  if (initial) {
    open(initial, false);
    if (root.getAttribute("data-run") === "true") {
      yasgui.getTab().query();
    }
  }
  document.querySelectorAll("a.example").forEach(function (anchor) {
    anchor.addEventListener("click", function (event) {
      event.preventDefault();
      open(anchor.getAttribute("data-query"), true);
    });
  });
  yasgui.on("queryResponse", function () {
    root.setAttribute("data-answered", "true");
  });
  // Follow links to the catalogue's IRIs to this server's pages (they work offline).
  var idBase = root.getAttribute("data-id-base");
  var ontologyBase = root.getAttribute("data-ontology-base");
  root.addEventListener(
    "click",
    function (event) {
      var anchor = event.target.closest ? event.target.closest("a[href]") : null;
      if (!anchor) {
        return;
      }
      var href = anchor.getAttribute("href");
      if (idBase && href.indexOf(idBase) === 0) {
        anchor.setAttribute("href", "/id/" + href.slice(idBase.length));
      } else if (ontologyBase && href.indexOf(ontologyBase) === 0) {
        anchor.setAttribute("href", "/ontology#" + href.slice(ontologyBase.length));
      }
    },
    true
  );
  root.setAttribute("data-ready", "true");
})();
