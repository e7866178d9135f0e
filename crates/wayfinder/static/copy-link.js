// The copy button of the station link page: shown only when the script runs, since the link
// is selectable text without it.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.getAttribute("data-copy"));
  var status = button.parentElement.querySelector(".copy-status");
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent.trim()).then(
      function () { if (status) status.textContent = "The link was copied."; },
      function () { if (status) status.textContent = "Copying did not work. Select the link and copy it."; }
    );
  });
});
