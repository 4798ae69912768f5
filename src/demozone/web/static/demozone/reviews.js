/* 评审轮次: ask before the steps that cannot be undone (sealing a snapshot, submitting one's
   judgments, deciding a round). The question is the form's data-confirm attribute. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) { return; }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
