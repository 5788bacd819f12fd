// The proctor's session page keeps itself current: every 5 seconds it reads the page again and replaces each
// learner's state, check marks and action buttons, and the session's record — except in a learner's section the
// proctor is working in (a field has the focus or holds text), so nothing typed is lost.
(function () {
  "use strict";
  if (!document.querySelector("section.seat")) { return; }
  function busy(section) {
    if (section.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
    return Array.prototype.some.call(section.querySelectorAll("input[type=text], textarea"), function (field) {
      return field.value !== "";
    });
  }
  function refresh() {
    fetch(window.location.pathname, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) { return; }
      var fresh = new DOMParser().parseFromString(html, "text/html");
      document.querySelectorAll("section.seat").forEach(function (section) {
        var replacement = fresh.getElementById(section.id);
        if (!replacement || busy(section)) { return; }
        [".seat-state", ".seat-checks", ".actions"].forEach(function (part) {
          var now = section.querySelector(part);
          var next = replacement.querySelector(part);
          // The server renders these parts from escaped templates.
          if (now && next && now.innerHTML !== next.innerHTML) { now.innerHTML = next.innerHTML; }
        });
      });
      var record = document.getElementById("record");
      var nextRecord = fresh.getElementById("record");
      if (record && nextRecord && record.innerHTML !== nextRecord.innerHTML) { record.innerHTML = nextRecord.innerHTML; }
    }, function () { /* offline: the page stays as it is */ });
  }
  window.setInterval(refresh, 5000);
}());
