/* 佐证材料: show the chosen file names beside Bulma's file inputs (no inline scripts). */
(function () {
  "use strict";

  function showNames(input) {
    var target = document.getElementById(input.dataset.fileNames);
    if (!target) { return; }
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    target.textContent = names.length ? names.join("、") : "未选择文件";
    target.title = target.textContent;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.dataset.fileNames) {
      showNames(input);
    }
  });
})();
