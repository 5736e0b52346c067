// Copy buttons for secrets shown once. Plain DOM, no build step.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) return;
  var text = source.textContent.trim();
  var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    var range = document.createRange(); range.selectNodeContents(source);
    var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
    try { document.execCommand("copy"); done(); } catch (e) { /* selected: the user can press Ctrl+C */ }
  }
});

// Events page live tail: server-sent events from /events/stream/ (each event is its
// table row, rendered by the server). If the browser has no EventSource or the server
// refuses the stream (all slots busy), the #tail element's htmx polling takes over.
(function () {
  var box = document.getElementById("live-tail");
  var status = document.getElementById("tail-status");
  var first = document.getElementById("tail");
  var source = null, streaming = false, lastId = "";
  window.ktTailPolling = function () { return !!box && box.checked && !streaming; };
  if (!first || !box || !window.EventSource || !first.dataset.stream) return;
  var streamUrl = first.dataset.stream, pollSeconds = first.dataset.pollSeconds;
  var say = function (text) { if (status) status.textContent = text; };

  function pollFrom(eventId) {  // keep the fallback's newer_than at the newest row shown
    var tail = document.getElementById("tail");  // polling replaces it: look it up each time
    tail.setAttribute("hx-get", tail.getAttribute("hx-get").replace(/newer_than=[^&]*/, "newer_than=" + eventId));
    if (window.htmx) window.htmx.process(tail);
  }
  function open() {
    var url = lastId ? streamUrl.replace(/last_event_id=[^&]*/, "last_event_id=" + encodeURIComponent(lastId)) : streamUrl;
    source = new EventSource(url);
    source.onopen = function () { streaming = true; say("streaming"); };
    source.addEventListener("event", function (message) {
      lastId = message.lastEventId;
      var eventId = lastId.split(":")[1];
      if (document.querySelector('.events a[href$="/' + eventId + '/"]')) return;  // polling already showed it
      document.getElementById("tail-live").insertAdjacentHTML("afterbegin", message.data);
      pollFrom(eventId);
    });
    source.onerror = function () {
      if (source && source.readyState === EventSource.CLOSED) {  // refused: fall back to polling
        streaming = false; source = null; say("polling every " + pollSeconds + " s");
      }  // otherwise the browser reconnects by itself, sending Last-Event-ID
    };
  }
  function close() { if (source) source.close(); source = null; streaming = false; say("paused"); }
  box.addEventListener("change", function () { if (box.checked) open(); else close(); });
  if (box.checked) open();
})();
