// The QR code's link is /v/ID#TOKEN (or /V/ID#TOKEN). Browsers never send the part after "#" to a server, so this
// script sends the whole link, as the address bar holds it, to the public API and asks whether the token is genuine
// and is the one the registry holds for this id. A compact token is Base45 with space and % escaped (%20, %25), and
// the verifier undoes exactly that; it is signed with the id in the link, so the link goes with it.
(function () {
  "use strict";
  var section = document.getElementById("token-check");
  var result = document.getElementById("token-result");
  if (!section || !result) { return; }

  function say(text, kind) {
    result.textContent = text;
    result.className = "verdict " + kind;
  }

  function check() {
    var token = window.location.hash.length > 1 ? window.location.hash.slice(1) : "";
    if (!token) { return; }
    say(result.dataset.checking, "unknown");
    var headers = { "Content-Type": "application/json" };
    if (section.dataset.csrf) { headers["X-CSRF-Token"] = section.dataset.csrf; }
    fetch("/api/v1/verify", {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      body: JSON.stringify({ token: window.location.href })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (answer) {
      var registry = answer.registry || {};
      var sameID = registry.id === section.dataset.id;
      if (answer.token && sameID && registry.matches) {
        say(result.dataset.matches, "valid");
      } else if (answer.token) {
        say(result.dataset.differs, "invalid");
      } else {
        say(result.dataset.invalid + " " + (answer.reasons || []).join("; "), "invalid");
      }
    }).catch(function () {
      say(result.dataset.failed, "unknown");
    });
  }

  check();
  // A second link pasted into the same tab changes only the fragment: check it too.
  window.addEventListener("hashchange", check);
})();
