// The upload form's file picker in Arabic: the browser's own button and "no file chosen" text
// follow the browser's language, so an Arabic button and the chosen names are shown over it.
// The native input stays (transparent, on top of the button) so clicking, the keyboard and
// dropping files work as before; without JavaScript the native control is shown as it is.
(function () {
  "use strict";
  function show(picker, input) {
    const output = picker.querySelector(".file-names");
    const names = Array.from(input.files || [], function (file) { return file.name; });
    output.textContent = names.length ? names.join("، ") : picker.dataset.empty;
    output.title = output.textContent;
  }
  document.querySelectorAll(".file-picker").forEach(function (picker) {
    const input = picker.querySelector("input[type=file]");
    if (!input) return;
    picker.classList.add("enhanced");
    input.addEventListener("change", function () { show(picker, input); });
    show(picker, input);
  });
})();
