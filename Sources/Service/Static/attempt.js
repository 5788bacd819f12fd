// The attempt page: every answer is saved on the server as it is given. Each save carries the next per-attempt
// sequence number; the server keeps an answer only when it is newer than the one it holds. Answers not yet
// acknowledged stay in the browser's local storage and are sent again when the connection returns or the page is
// loaded again, so nothing the learner gave is lost. The server's clock decides when time is up.
(function () {
  "use strict";
  var paper = document.getElementById("paper");
  if (!paper) { return; }
  var storeKey = "kc-attempt:" + paper.dataset.attempt;
  var bar = document.getElementById("attempt");
  if (!bar) {
    // Submitted or voided: nothing is left to send.
    try { window.localStorage.removeItem(storeKey); } catch (ignored) { /* storage unavailable */ }
    return;
  }
  var text = bar.dataset;
  var api = text.api;
  var stateLine = document.getElementById("save-state");
  var pending = loadPending();
  var sequence = parseInt(text.sequence, 10) || 0;
  Object.keys(pending).forEach(function (item) { sequence = Math.max(sequence, pending[item].sequence); });
  var sending = false;
  var retry = null;
  var finished = false;

  function loadPending() {
    try {
      var value = JSON.parse(window.localStorage.getItem(storeKey) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (ignored) {
      return {};
    }
  }

  function persist() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (ignored) { /* full or off */ }
  }

  function say(message, kind) {
    stateLine.textContent = message;
    stateLine.className = "save-state " + kind;
  }

  function fieldsetOf(item) {
    var found = null;
    paper.querySelectorAll("fieldset.item").forEach(function (fieldset) {
      if (fieldset.dataset.item === item) { found = fieldset; }
    });
    return found;
  }

  function itemSays(fieldset, message, kind) {
    if (!fieldset) { return; }
    var line = fieldset.querySelector(".item-state");
    line.textContent = message;
    line.className = "item-state " + (kind || "");
  }

  // A number as the server stores it: "2,5" and "2.5" are both 2.5; null when it is no number.
  function exactNumber(typed) {
    var compact = typed.replace(/\s+/g, "");
    if (!/^[+-]?[0-9]+([.,][0-9]+)?$/.test(compact)) { return null; }
    return compact.replace(",", ".").replace(/^\+/, "");
  }

  // The answer a fieldset holds, as the API takes it; null when nothing is given; undefined when it is invalid.
  function answerOf(fieldset) {
    var kind = fieldset.dataset.kind;
    var checked = fieldset.querySelectorAll("input:checked");
    var field = fieldset.querySelector("input[type=text], textarea");
    var value = {};
    switch (kind) {
      case "single":
        return checked.length ? { type: "choice", value: checked[0].value } : null;
      case "multiple":
        return { type: "choices", value: Array.prototype.map.call(checked, function (box) { return box.value; }) };
      case "truth":
        return checked.length ? { type: "truth", value: checked[0].value === "true" } : null;
      case "numeric":
        if (field.value.trim() === "") { return null; }
        var number = exactNumber(field.value);
        return number === null ? undefined : { type: "number", value: number };
      case "text":
        return { type: "text", value: field.value };
      case "essay":
        return { type: "essay", value: field.value };
      case "matching":
        fieldset.querySelectorAll("select[data-premise]").forEach(function (select) {
          if (select.value) { value[select.dataset.premise] = select.value; }
        });
        return { type: "matches", value: value };
      case "ordering":
        return {
          type: "order",
          value: Array.prototype.map.call(fieldset.querySelectorAll("li[data-element]"), function (element) {
            return element.dataset.element;
          })
        };
      case "cloze":
        fieldset.querySelectorAll("[data-gap]").forEach(function (gap) {
          if (gap.value.trim() !== "") { value[gap.dataset.gap] = gap.value.trim(); }
        });
        return { type: "gaps", value: value };
      default:
        return null;
    }
  }

  function give(fieldset) {
    if (finished) { return; }
    var answer = answerOf(fieldset);
    if (answer === undefined) {
      itemSays(fieldset, text.textNumber, "refused");
      return;
    }
    if (answer === null) { return; }
    sequence += 1;
    pending[fieldset.dataset.item] = { sequence: sequence, answer: answer };
    persist();
    itemSays(fieldset, text.textUnsaved, "unsaved");
    say(text.textUnsaved, "unsaved");
    send();
  }

  function oldestPending() {
    var oldest = null;
    Object.keys(pending).forEach(function (item) {
      if (oldest === null || pending[item].sequence < pending[oldest].sequence) { oldest = item; }
    });
    return oldest;
  }

  function sendLater() {
    if (retry === null) {
      retry = window.setTimeout(function () { retry = null; send(); }, 3000);
    }
  }

  function send() {
    if (sending) { return; }
    var item = oldestPending();
    if (item === null) {
      say(text.textSaved, "saved");
      return;
    }
    var entry = pending[item];
    sending = true;
    say(text.textSaving, "saving");
    fetch(api + "/answers/" + encodeURIComponent(item), {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": text.csrf },
      credentials: "same-origin",
      body: JSON.stringify({ sequence: entry.sequence, answer: entry.answer })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (result) {
      sending = false;
      var fieldset = fieldsetOf(item);
      var current = pending[item];
      if (result.status >= 200 && result.status < 300) {
        if (current && current.sequence === entry.sequence) {
          delete pending[item];
          itemSays(fieldset, "", "");
        }
        persist();
        if (result.body.feedback && text.selfTest) { showFeedback(item, fieldset); }
        send();
      } else if (result.status === 409) {
        // A newer answer is stored (another tab or device): this one is older and is dropped.
        if (current && current.sequence === entry.sequence) { delete pending[item]; }
        persist();
        say(text.textStale, "unsaved");
        window.setTimeout(function () { window.location.reload(); }, 2500);
      } else if (result.status === 422 || result.status === 404) {
        if (current && current.sequence === entry.sequence) { delete pending[item]; }
        persist();
        var message = (result.body.error && result.body.error.message) || "";
        itemSays(fieldset, text.textRefused + " " + message, "refused");
        if (result.body.error && result.body.error.code === "deadlinePassed") { timeUp(); return; }
        send();
      } else {
        // Signed out, server busy or failing: keep the answer and try again.
        say(text.textOffline, "offline");
        sendLater();
      }
    }, function () {
      sending = false;
      say(text.textOffline, "offline");
      sendLater();
    });
  }

  function showFeedback(item, fieldset) {
    fetch(text.feedback + encodeURIComponent(item), { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      // The server renders this fragment from escaped templates.
      if (html && fieldset) { fieldset.querySelector(".item-feedback").innerHTML = html; }
    }, function () { /* feedback is a bonus; the answer is saved */ });
  }

  function timeUp() {
    if (finished) { return; }
    finished = true;
    say(text.textTimeUp, "offline");
    paper.querySelectorAll("fieldset.item").forEach(function (fieldset) { fieldset.disabled = true; });
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }

  // The clock: the server said how many seconds were left when the page was made; it is asked again every 30 s.
  var clock = document.getElementById("time-left");
  var endsAt = null;
  var paused = text.paused === "1";
  var pausedLeft = 0;
  function setLeft(seconds) {
    pausedLeft = seconds;
    endsAt = window.performance.now() + seconds * 1000;
  }
  function tick() {
    if (endsAt === null || !clock) { return; }
    // While a proctor has paused the attempt its time stands still.
    var left = paused ? pausedLeft : Math.max(0, Math.round((endsAt - window.performance.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0 && !paused) { timeUp(); }
  }
  if (text.secondsLeft !== undefined) {
    setLeft(parseInt(text.secondsLeft, 10) || 0);
    tick();
    window.setInterval(tick, 1000);
  }
  window.setInterval(function () {
    fetch(api, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (attempt) {
      if (!attempt) { return; }
      // Submitted, voided, paused or resumed by the proctor: the page shows the new state.
      if (attempt.state !== "inProgress" || attempt.paused !== paused) { window.location.reload(); return; }
      if (typeof attempt.secondsLeft === "number") { setLeft(attempt.secondsLeft); }
    }, function () { /* offline: the local clock goes on */ });
  }, 10000);

  // Saving as the learner answers.
  var typing = {};
  paper.querySelectorAll("fieldset.item").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () { give(fieldset); });
    var essay = fieldset.querySelector("textarea");
    var count = fieldset.querySelector("[data-count]");
    var showCount = function () {
      if (essay && count) { count.textContent = essay.value.length + " " + text.textCharacters; }
    };
    showCount();
    // Typed answers are saved a moment after the learner stops typing, and again when the field is left.
    fieldset.querySelectorAll("input[type=text], textarea").forEach(function (field) {
      field.addEventListener("input", function () {
        showCount();
        window.clearTimeout(typing[fieldset.dataset.item]);
        typing[fieldset.dataset.item] = window.setTimeout(function () { give(fieldset); }, 1500);
      });
    });
    fieldset.querySelectorAll("button.up, button.down").forEach(function (button) {
      button.addEventListener("click", function () {
        var element = button.closest("li");
        var list = element.parentNode;
        if (button.classList.contains("up") && element.previousElementSibling) {
          list.insertBefore(element, element.previousElementSibling);
        } else if (button.classList.contains("down") && element.nextElementSibling) {
          list.insertBefore(element.nextElementSibling, element);
        } else {
          return;
        }
        button.focus();
        var position = Array.prototype.indexOf.call(list.children, element) + 1;
        itemSays(fieldset, text.textMoved + " " + position, "");
        give(fieldset);
      });
    });
  });
  // Enter in a text field must not submit the paper.
  paper.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target.type === "text") {
      event.preventDefault();
      event.target.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  // Submission waits until every answer given has arrived.
  paper.addEventListener("submit", function (event) {
    if (oldestPending() === null) { return; }
    event.preventDefault();
    send();
    var wait = window.setInterval(function () {
      if (oldestPending() === null) {
        window.clearInterval(wait);
        paper.submit();
      }
    }, 500);
  });
  window.addEventListener("online", send);
  if (oldestPending() !== null) { send(); }

  // One item per page (a course setting): the items stay in one form, and the page shows one at a time with
  // buttons to the previous, the next and any item; without JavaScript every item shows.
  if (paper.dataset.perPage === "one") {
    var items = Array.prototype.slice.call(paper.querySelectorAll("fieldset.item"));
    var pages = paper.dataset;
    var nav = document.createElement("nav");
    nav.className = "pager";
    nav.setAttribute("aria-label", pages.textPages);
    var position = document.createElement("p");
    position.className = "pager-position";
    position.setAttribute("aria-live", "polite");
    var previous = document.createElement("button");
    previous.type = "button";
    previous.textContent = pages.textPrevious;
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = pages.textNext;
    var jumps = document.createElement("div");
    jumps.className = "pager-jumps";
    var current = 0;
    var show = function (index) {
      current = Math.max(0, Math.min(items.length - 1, index));
      items.forEach(function (fieldset, at) { fieldset.hidden = at !== current; });
      position.textContent = pages.textPosition.replace("{0}", current + 1).replace("{1}", items.length);
      previous.disabled = current === 0;
      next.disabled = current === items.length - 1;
      Array.prototype.forEach.call(jumps.children, function (jump, at) {
        if (at === current) { jump.setAttribute("aria-current", "step"); } else { jump.removeAttribute("aria-current"); }
      });
      try { window.sessionStorage.setItem(storeKey + ":page", String(current)); } catch (ignored) { /* off */ }
    };
    items.forEach(function (fieldset, at) {
      var jump = document.createElement("button");
      jump.type = "button";
      jump.className = "secondary";
      jump.textContent = String(at + 1);
      jump.setAttribute("aria-label", pages.textPosition.replace("{0}", at + 1).replace("{1}", items.length));
      jump.addEventListener("click", function () { show(at); });
      jumps.appendChild(jump);
    });
    previous.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    nav.appendChild(position);
    nav.appendChild(previous);
    nav.appendChild(next);
    nav.appendChild(jumps);
    paper.insertBefore(nav, items.length ? items[0] : null);
    var saved = 0;
    try { saved = parseInt(window.sessionStorage.getItem(storeKey + ":page") || "0", 10) || 0; } catch (ignored) { /* off */ }
    show(saved);
  }
}());
