/* "My images": upload with progress; images still processing update without a reload. */
(function () {
  "use strict";
  var uploads = window.BlogUploads;

  document.querySelectorAll("[data-upload-widget]").forEach(function (widget) {
    uploads.bindWidget(widget, null);
  });

  document.querySelectorAll(".image-item[data-status=processing]").forEach(function (item) {
    var label = item.querySelector("[data-image-status]");
    uploads.watch(item.getAttribute("data-image-id"), function (image) {
      item.setAttribute("data-status", image.status);
      label.textContent = image.status;
      label.className = "image-status status-" + image.status;
      if (image.status === "failed" && image.error) {
        label.parentNode.appendChild(uploads.element("p", "error", image.error));
      }
    });
  });
})();
