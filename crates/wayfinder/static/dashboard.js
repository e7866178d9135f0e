// Wayfinder dashboard enhancements. Every page works without this script; it only adds:
// search that filters as you type, focus on the error summary, and the provider checklist
// disabled while the role is Admin.
(function () {
  "use strict";

  // Search as you type: fetch the same GET the form would send and swap the results region.
  function liveSearch(form) {
    var region = document.getElementById(form.getAttribute("data-live-search"));
    if (!region) { return; }
    var timer = null;
    var latest = 0;
    function run() {
      var query = new URLSearchParams(new FormData(form)).toString();
      var url = form.getAttribute("action") + (query ? "?" + query : "");
      var ticket = ++latest;
      fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          if (ticket !== latest) { return; }
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById(region.id);
          if (!fresh) { return; }
          region.innerHTML = fresh.innerHTML;
          history.replaceState(null, "", url);
        })
        .catch(function () { /* the button still searches */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  // Error summary: take focus so the problem is announced and read first.
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // Admins see all providers: the checklist does not apply while Admin is chosen.
  function roleChecklist(form) {
    var list = form.querySelector("[data-providers-for-users]");
    if (!list) { return; }
    function sync() {
      var admin = form.querySelector("input[name=role][value=admin]");
      list.disabled = !!(admin && admin.checked);
    }
    form.addEventListener("change", sync);
    sync();
  }

  document.querySelectorAll("form[data-live-search]").forEach(liveSearch);
  document.querySelectorAll("form").forEach(roleChecklist);
  focusSummary();
})();
