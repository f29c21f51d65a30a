/* smartkg network view: draws /network.json with Cytoscape.js (vendored, no CDN).
   Sets data-nodes / data-edges on the container once the graph is drawn. */
(function () {
  "use strict";
  var container = document.getElementById("cy");
  var info = document.getElementById("cy-info");
  if (!container || typeof cytoscape === "undefined") {
    return;
  }
  function describe(node) {
    var d = node.data();
    var names = d.en || "";
    if (d.ko && d.ko !== d.en) {
      names += (names ? " · " : "") + d.ko;
    }
    var kind = d.kind === "service-type" ? "service type" : d.kind;
    return names + " (" + kind + ", " + d.degree + " links) — click to open its page";
  }
  fetch(container.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("network.json: HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      var cy = cytoscape({
        container: container,
        elements: data.elements,
        layout: { name: "preset", fit: true, padding: 20 },
        minZoom: 0.2,
        maxZoom: 4,
        style: [
          {
            selector: "node",
            style: {
              "background-color": "data(colour)",
              label: "data(label)",
              "font-family": "system-ui, 'Noto Sans KR', NanumGothic, sans-serif",
              "font-size": 10,
              color: "#1d2329",
              "text-valign": "bottom",
              "text-margin-y": 2,
              width: "mapData(degree, 1, 20, 12, 36)",
              height: "mapData(degree, 1, 20, 12, 36)",
              "min-zoomed-font-size": 6
            }
          },
          {
            selector: "node[kind = 'city']",
            style: { shape: "round-rectangle", "font-size": 14, "font-weight": "bold" }
          },
          {
            selector: "node[kind = 'domain']",
            style: { shape: "diamond", "font-size": 13, "font-style": "italic" }
          },
          {
            selector: "edge",
            style: {
              width: "mapData(weight, 1, 5, 0.7, 3)",
              "line-color": "#b8c2cc",
              "curve-style": "straight",
              opacity: 0.7
            }
          },
          { selector: "edge[kind = 'in-domain']", style: { "line-style": "dashed" } },
          { selector: ".faded", style: { opacity: 0.12 } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#f2b01e" } }
        ]
      });
      cy.on("mouseover", "node", function (event) {
        var node = event.target;
        var near = node.closedNeighborhood();
        cy.elements().difference(near).addClass("faded");
        if (info) {
          info.textContent = describe(node);
        }
      });
      cy.on("mouseout", "node", function () {
        cy.elements().removeClass("faded");
      });
      cy.on("tap", "node", function (event) {
        var href = event.target.data("href");
        if (href) {
          window.location.href = href;
        }
      });
      cy.ready(function () {
        container.setAttribute("data-nodes", String(cy.nodes().length));
        container.setAttribute("data-edges", String(cy.edges().length));
      });
    })
    .catch(function (error) {
      container.setAttribute("data-error", String(error));
      if (info) {
        info.textContent = "The network could not be drawn: " + error;
      }
    });
})();
