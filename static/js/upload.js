/* Direct-to-S3 uploads: ask the app for a presigned POST, send the file to storage with a progress
   bar, then watch the image's status until it is ready or failed. No inline script: CSP. */
(function () {
  "use strict";
  // The site's root ("/", or "/<stage>/" on the execute-api host): templates/base.html's data-root.
  var ROOT = document.documentElement.getAttribute("data-root") || "/";

  var POLL_MS = 1000;
  var POLL_LIMIT = 300; // five minutes: processing takes seconds; after that, say so and stop
  var ACCEPTED = ["image/jpeg", "image/png", "image/webp", "image/gif"];

  function csrfToken(root) {
    var input = (root || document).querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function errorMessage(data, status) {
    if (!data || !data.error) return "The request failed (HTTP " + status + ").";
    var fields = data.error.fields || {};
    var details = Object.keys(fields).map(function (name) { return fields[name]; });
    return details.length ? details.join(" ") : data.error.message;
  }

  /* Call the images JSON API with the session cookie (and the CSRF token for writes). */
  function api(method, url, body, root) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken(root);
    if (body) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 204) return {};
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) throw new Error(errorMessage(data, response.status));
        return data;
      });
    });
  }

  /* POST the file straight to storage (the app never carries the bytes), reporting progress 0..1. */
  function sendToStorage(upload, file, onProgress) {
    return new Promise(function (resolve, reject) {
      var form = new FormData();
      Object.keys(upload.fields).forEach(function (name) { form.append(name, upload.fields[name]); });
      form.append(upload.file_field || "file", file); // the file must be the last field
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.url);
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(); }
        else reject(new Error("Storage refused the file (HTTP " + xhr.status + ")."));
      };
      xhr.onerror = function () { reject(new Error("The upload was interrupted. Try again.")); };
      xhr.send(form);
    });
  }

  /* Poll the image until it leaves "processing"; call onStatus with each answer. */
  function watch(imageId, onStatus, root) {
    var tries = 0;
    return new Promise(function (resolve) {
      function poll() {
        api("GET", ROOT + "api/images/" + encodeURIComponent(imageId), null, root).then(function (image) {
          onStatus(image);
          tries += 1;
          if (image.status !== "processing" || tries >= POLL_LIMIT) { resolve(image); return; }
          setTimeout(poll, POLL_MS);
        }, function () {
          tries += 1;
          if (tries >= POLL_LIMIT) { resolve(null); return; }
          setTimeout(poll, POLL_MS * 2);
        });
      }
      poll();
    });
  }

  function smallest(image, format) {
    var found = null;
    (image.renditions || []).forEach(function (r) {
      if (r.crop) return; // cover crops are not the image as it is
      if ((!format || r.format === format) && (!found || r.width < found.width)) found = r;
    });
    return found;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* One row per file: name, progress bar, status, and the result. */
  function fileRow(list, file) {
    var item = element("li", "upload-item");
    item.appendChild(element("strong", "upload-name", file.name));
    var bar = element("progress", "upload-progress");
    bar.max = 100;
    bar.value = 0;
    item.appendChild(bar);
    var status = element("span", "upload-status", "waiting");
    status.setAttribute("data-upload-status", "");
    item.appendChild(status);
    var result = element("div", "upload-result");
    item.appendChild(result);
    list.appendChild(item);
    return {
      item: item,
      progress: function (fraction) {
        bar.value = Math.round(fraction * 100);
        status.textContent = "uploading " + bar.value + "%";
      },
      status: function (text, kind) {
        status.textContent = text;
        item.setAttribute("data-status", kind || text);
      },
      ready: function (image) {
        var thumb = smallest(image, "webp") || smallest(image);
        if (thumb) {
          var img = element("img", "upload-thumb");
          img.src = thumb.url;
          img.width = thumb.width;
          img.height = thumb.height;
          img.alt = "";
          result.appendChild(img);
        }
        result.appendChild(element("span", "muted", image.width + " × " + image.height + " px · " +
          (image.renditions || []).length + " renditions"));
        result.appendChild(element("code", "upload-markdown", image.markdown));
      },
      failed: function (message) {
        result.appendChild(element("p", "error", message));
      }
    };
  }

  function checkFile(file, maxBytes) {
    if (ACCEPTED.indexOf(file.type) < 0) return "Not accepted: upload a JPEG, PNG, WebP or GIF image.";
    if (file.size < 1) return "The file is empty.";
    if (file.size > maxBytes) return "The file is over " + Math.round(maxBytes / 1048576) + " MB.";
    return null;
  }

  /* Upload one file end to end; resolve with the final image (or null). */
  function uploadFile(file, widget, row) {
    var maxBytes = parseInt(widget.getAttribute("data-max-bytes"), 10) || 20971520;
    var problem = checkFile(file, maxBytes);
    if (problem) {
      row.status("refused", "failed");
      row.failed(problem);
      return Promise.resolve(null);
    }
    row.status("preparing");
    return api("POST", widget.getAttribute("data-api"), {
      filename: file.name, content_type: file.type, size: file.size
    }, widget).then(function (answer) {
      row.item.setAttribute("data-image-id", answer.image.id);
      return sendToStorage(answer.upload, file, row.progress).then(function () {
        row.status("processing");
        return watch(answer.image.id, function (image) { row.status(image.status); }, widget);
      });
    }).then(function (image) {
      if (!image) return null;
      if (image.status === "ready") row.ready(image);
      else if (image.status === "failed") row.failed(image.error || "The image could not be processed.");
      else row.failed("Still processing: look again in a minute.");
      return image;
    }, function (error) {
      row.status("failed");
      row.failed(error.message);
      return null;
    });
  }

  /* Wire a [data-upload-widget]: every chosen file is uploaded; onReady(image) for each ready one. */
  function bindWidget(widget, onReady) {
    var input = widget.querySelector("[data-upload-input]");
    var list = widget.querySelector("[data-upload-list]");
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (file) {
        uploadFile(file, widget, fileRow(list, file)).then(function (image) {
          if (image && image.status === "ready" && onReady) onReady(image);
        });
      });
      input.value = "";
    });
  }

  window.BlogUploads = { api: api, watch: watch, bindWidget: bindWidget, smallest: smallest, element: element };
})();
