// engram's GraphiQL page: an API key field above GraphiQL; queries and mutations go over
// HTTP, subscriptions over WebSocket (graphql-transport-ws), both with the key.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("engram-config").textContent);
  var storageKey = "engram.apiKey";
  var params = new URLSearchParams(window.location.search);
  var keyInput = document.getElementById("engram-key");
  keyInput.value = window.localStorage.getItem(storageKey) || "";

  function wsUrl() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + config.endpoint;
  }

  function fetcherFor(key) {
    var headers = key ? { Authorization: "Bearer " + key } : {};
    return GraphiQL.createFetcher({
      url: config.endpoint,
      subscriptionUrl: wsUrl(),
      headers: headers,
      wsConnectionParams: headers,
    });
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));

  function render() {
    var key = keyInput.value.trim();
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcherFor(key),
        defaultEditorToolsVisibility: true,
        defaultQuery: params.get("query") || config.defaultQuery,
        query: params.get("query") || undefined,
        variables: params.get("variables") || undefined,
        key: key,
      })
    );
  }

  document.getElementById("engram-key-form").addEventListener("submit", function (event) {
    event.preventDefault();
    window.localStorage.setItem(storageKey, keyInput.value.trim());
    render();
  });
  render();
})();
