// Starts YASGUI on /sparql in place of the plain form (which stays for browsers without script). Everything it
// needs comes from this site: queries go to this site's /sparql, nothing is fetched from prefix.cc, LOV or a CORS
// proxy (completion knows variables and the dataset's prefixes only), result links to this dataset's IRIs open
// this site's pages, and the address bar always carries the query (a permalink).
(function () {
  "use strict";
  var host = document.getElementById("query-editor");
  if (!host || typeof window.Yasgui !== "function") return;
  var config = JSON.parse(host.getAttribute("data-config"));
  var endpoint = window.location.origin + "/sparql";
  var initial = document.getElementById("query").value;

  // shown before YASGUI starts: CodeMirror measures its box when it is created
  document.getElementById("plain-query").hidden = true;
  var plainResults = document.getElementById("plain-results");
  if (plainResults) plainResults.hidden = true;
  host.hidden = false;

  window.Yasgui.defaults.yasqe.value = initial; // a new tab starts with the page's query

  // Completion from this page only. YASQE's property and class completers ask lov.linkeddata.es, and its prefix
  // completer (bundled prefixes, then autocomplete() of every completer: that is how typing "foaf:" reached LOV)
  // would declare prefixes the dataset does not use. Only two are on: variables, and the dataset's own prefixes
  // (typing "ag:" adds its PREFIX line). The options are deep-merged by array index with YASQE's defaults (all four
  // completers), so the defaults are emptied first; each tab's editor is checked again in follow().
  var Yasqe = window.Yasgui.Yasqe;
  var COMPLETERS = ["variables", "dataset-prefixes"];
  Yasqe.forkAutocompleter("prefixes", {
    name: "dataset-prefixes",
    persistenceId: "awardgraph-dataset-prefixes",
    get: Object.keys(config.prefixes).sort().map(function (name) {
      return name + ": <" + config.prefixes[name] + ">";
    })
  }, false);
  Yasqe.defaults.autocompleters = [];
  window.Yasgui.defaults.yasqe.autocompleters = [];
  var yasgui = new window.Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
      acceptHeaderUpdate: "text/plain"
    },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    corsProxy: undefined,
    persistenceId: null,
    populateFromUrl: true,
    autofocus: true,
    yasqe: {
      value: initial,
      autocompleters: COMPLETERS.slice(),
      prefixCcApi: null,
      showQueryButton: true
    },
    yasr: { prefixes: config.prefixes, defaultPlugin: "table" }
  });


  function permalink(query) {
    return "/sparql?query=" + encodeURIComponent(query) + "&lang=" + encodeURIComponent(document.documentElement.lang);
  }

  // An IRI of this dataset as the path of its page here (as awardgraph.web.paths.local_path does).
  function localPath(iri) {
    if (iri.indexOf(config.base) !== 0) return null;
    var rest = iri.slice(config.base.length);
    return rest.indexOf("id/") === 0 ? "/doc/" + rest.slice(3) : "/" + rest;
  }

  function keepLinksHere(root) {
    root.querySelectorAll("a[href]").forEach(function (link) {
      var local = localPath(link.getAttribute("href"));
      if (local !== null) {
        link.setAttribute("href", local);
        link.removeAttribute("target");
      }
    });
  }

  function refreshLinks(tab) {
    var query = tab.getYasqe().getValue();
    var type = tab.getYasqe().getQueryType();
    var graph = type === "CONSTRUCT" || type === "DESCRIBE";
    document.getElementById("editor-permalink").setAttribute("href", permalink(query));
    ["csv", "tsv", "json", "turtle"].forEach(function (name) {
      var link = document.getElementById("editor-download-" + name);
      link.hidden = graph ? name !== "turtle" : name === "turtle";
      link.setAttribute("href", "/sparql?query=" + encodeURIComponent(query) + "&format=" +
        encodeURIComponent(link.getAttribute("data-format")));
    });
  }

  // The endpoint declares the dataset's prefixes for every query; the editor's checker does not know that, so a
  // prefix of the dataset used in the query and not declared there gets its PREFIX line, as the checker wants.
  var PREFIXED = /(^|[\s{}()\[\];,.\/^|!*+?=<>])([A-Za-z][\w-]*):(?=[\w%])/g;
  function declarePrefixes(yasqe) {
    var declared = yasqe.getPrefixesFromQuery();
    var missing = {};
    var found = false;
    var match;
    var text = yasqe.getValue().replace(/<[^>\s]*>|"[^"\n]*"|'[^'\n]*'|#[^\n]*/g, " ");
    PREFIXED.lastIndex = 0;
    while ((match = PREFIXED.exec(text)) !== null) {
      var name = match[2];
      if (config.prefixes[name] && !(name in declared) && !(name in missing)) {
        missing[name] = config.prefixes[name];
        found = true;
      }
    }
    if (found) yasqe.addPrefixes(missing);
  }

  function onlyOurCompleters(yasqe) {
    yasqe.config.autocompleters.slice().forEach(function (name) {
      if (COMPLETERS.indexOf(name) < 0) yasqe.disableCompleter(name);
    });
  }

  function follow(tab) {
    onlyOurCompleters(tab.getYasqe());
    declarePrefixes(tab.getYasqe());
    // Tab and Shift-Tab move the focus on instead of indenting: the editor is no keyboard trap
    tab.getYasqe().addKeyMap({ Tab: false, "Shift-Tab": false });
    // the share button gives the same permalink as the page's link (the query in the URL, nothing else)
    tab.getYasqe().config.createShareableLink = function (yasqe) {
      return window.location.origin + permalink(yasqe.getValue());
    };
    refreshLinks(tab);
    tab.getYasqe().on("change", function () { refreshLinks(tab); });
    tab.getYasqe().on("blur", function () { declarePrefixes(tab.getYasqe()); });
    tab.getYasqe().on("queryBefore", function () { declarePrefixes(tab.getYasqe()); });
    new MutationObserver(function () { keepLinksHere(host); }).observe(host, { childList: true, subtree: true });
  }

  yasgui.on("query", function (instance, tab) {
    window.history.replaceState(null, "", permalink(tab.getYasqe().getValue()));
  });
  yasgui.on("tabSelect", function (instance, id) { follow(instance.getTab(id)); });
  follow(yasgui.getTab());
})();
