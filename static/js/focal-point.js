// My images: a click on a picture sets its cover crop's focal point in the form beside it (the
// number inputs work without this script, and from the keyboard).
(function () {
  "use strict";
  document.querySelectorAll(".image-item").forEach(function (item) {
    var picture = item.querySelector("[data-focal-picture]");
    var form = item.querySelector("[data-focal-form]");
    if (!picture || !form) return;
    picture.classList.add("focal-clickable");
    picture.addEventListener("click", function (event) {
      var box = picture.getBoundingClientRect();
      form.querySelector("[data-focal-x]").value = Math.round(((event.clientX - box.left) / box.width) * 100);
      form.querySelector("[data-focal-y]").value = Math.round(((event.clientY - box.top) / box.height) * 100);
      form.querySelector("button[type=submit]").focus();
    });
  });
})();
