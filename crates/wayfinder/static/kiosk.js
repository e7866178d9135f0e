// The kiosk's timer, idle warning, Print button and print page's end (SPEC §8.3). Without
// script the bar shows the start time, the server ends an idle session after 30 minutes and
// refuses the print page after 15, and the browser's own command prints.
(function () {
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  // The print page leaves the screen when its time is up: reloaded, it is the welcome.
  var closes = document.querySelector("[data-closes-in]");
  if (closes) setTimeout(function () { location.reload(); }, closes.getAttribute("data-closes-in") * 1000);
  var timer = document.querySelector("[data-started-at]");
  var dialog = document.getElementById("kiosk-idle");
  if (!timer || !dialog || !dialog.showModal) return;
  var started = Date.parse(timer.getAttribute("data-started-at"));
  // Count from the server's clock: the kiosk's own may be wrong.
  var skew = Date.parse(timer.getAttribute("data-now")) - Date.now();
  var WARN = 25 * 60000, END = 30 * 60000;
  var active = Date.now(), back = null;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function end() { location.href = "/kiosk?timed_out=1"; }
  function tick() {
    var now = Date.now(), s = Math.max(0, Math.floor((now + skew - started) / 1000));
    timer.textContent = "Time " + two(Math.floor(s / 60)) + ":" + two(s % 60);
    if (now - active >= END) return end();
    if (now - active >= WARN && !dialog.open) {
      back = document.activeElement;
      dialog.showModal();
      dialog.querySelector("button").focus();
    }
  }
  // Continue is a request, which the server counts as activity.
  function keepAlive() {
    fetch("/kiosk/keep-alive", { method: "POST", credentials: "same-origin" }).then(function (r) {
      if (r.status !== 204) return end();
      active = Date.now();
      dialog.close();
      if (back && back.focus) back.focus();
    });
  }
  dialog.querySelector("button").addEventListener("click", keepAlive);
  // Escape means "I am here" as well; it must not leave the warning up with no answer.
  dialog.addEventListener("cancel", function (e) { e.preventDefault(); keepAlive(); });
  tick();
  setInterval(tick, 1000);
})();
