/* The article editor's picker: upload images, insert ![alt](image:ID) into the body, pick a cover.
   Include templates/uploads/_picker.html on a page with <textarea id="id_body"> and
   <input id="id_cover_image_id">. */
(function () {
  "use strict";
  // The site's root ("/", or "/<stage>/" on the execute-api host): templates/base.html's data-root.
  var ROOT = document.documentElement.getAttribute("data-root") || "/";
  var uploads = window.BlogUploads;

  /* Insert where the author left the cursor (recorded on blur), or at the end if they never did. */
  function insertAtCursor(field, text, cursor) {
    var start = cursor ? cursor[0] : field.value.length;
    var end = cursor ? cursor[1] : start;
    var before = field.value.slice(0, start);
    var after = field.value.slice(end);
    var block = (before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "") + text + "\n\n";
    field.value = before + block + after;
    field.selectionStart = field.selectionEnd = before.length + block.length;
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function bindPicker(picker) {
    var grid = picker.querySelector("[data-picker-grid]");
    var body = document.getElementById(picker.getAttribute("data-body-field"));
    var cover = document.getElementById(picker.getAttribute("data-cover-field"));
    var shown = {};
    var cursor = null;
    if (body) {
      body.addEventListener("blur", function () { cursor = [body.selectionStart, body.selectionEnd]; });
    }

    function add(image, first) {
      if (image.status !== "ready" || shown[image.id]) return;
      shown[image.id] = true;
      var item = uploads.element("li", "picker-item");
      item.setAttribute("data-image-id", image.id);
      var thumb = uploads.smallest(image, "webp") || uploads.smallest(image);
      if (thumb) {
        var img = uploads.element("img", "picker-thumb");
        img.src = thumb.url;
        img.width = thumb.width;
        img.height = thumb.height;
        img.alt = image.filename;
        item.appendChild(img);
      }
      item.appendChild(uploads.element("span", "muted", image.filename));
      if (body) {
        /* The description readers of screens hear: asked for, never the file name; empty only
           when the author says the image is decorative. */
        var altId = "picker-alt-" + image.id;
        var altLabel = uploads.element("label", "picker-alt", "Description (alt text)");
        altLabel.setAttribute("for", altId);
        var alt = document.createElement("input");
        alt.type = "text";
        alt.id = altId;
        alt.maxLength = 300;
        alt.setAttribute("data-picker-alt", "");
        var decorativeLabel = uploads.element("label", "picker-alt", "");
        var decorative = document.createElement("input");
        decorative.type = "checkbox";
        decorative.setAttribute("data-picker-decorative", "");
        decorativeLabel.appendChild(decorative);
        decorativeLabel.appendChild(document.createTextNode(" Decorative (no description)"));
        var problem = uploads.element("span", "error", "");
        problem.setAttribute("role", "alert");
        var insert = uploads.element("button", "secondary", "Insert");
        insert.type = "button";
        insert.setAttribute("data-picker-insert", "");
        insert.addEventListener("click", function () {
          var text = alt.value.trim();
          if (!text && !decorative.checked) {
            problem.textContent = "Describe the image, or mark it decorative.";
            alt.focus();
            return;
          }
          problem.textContent = "";
          var escaped = decorative.checked ? "" : text.replace(/([\\\[\]])/g, "\\$1");
          insertAtCursor(body, "![" + escaped + "](image:" + image.id + ")", cursor);
          cursor = [body.selectionStart, body.selectionEnd];
        });
        item.appendChild(altLabel);
        item.appendChild(alt);
        item.appendChild(decorativeLabel);
        item.appendChild(insert);
        item.appendChild(problem);
      }
      if (cover) {
        var makeCover = uploads.element("button", "secondary", "Use as cover");
        makeCover.type = "button";
        makeCover.setAttribute("data-picker-cover", "");
        makeCover.addEventListener("click", function () {
          cover.value = image.id;
          cover.dispatchEvent(new Event("input", { bubbles: true }));
        });
        item.appendChild(makeCover);
      }
      if (first) grid.insertBefore(item, grid.firstChild); else grid.appendChild(item);
    }

    uploads.api("GET", ROOT + "api/images", null, picker).then(function (answer) {
      answer.images.forEach(function (image) { add(image, false); });
    }, function (error) {
      grid.appendChild(uploads.element("li", "error", error.message));
    });
    picker.querySelectorAll("[data-upload-widget]").forEach(function (widget) {
      uploads.bindWidget(widget, function (image) { add(image, true); });
    });
  }

  document.querySelectorAll("[data-image-picker]").forEach(bindPicker);
})();
