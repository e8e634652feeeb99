// « Dépôt de documents »: drag-and-drop onto the box, or the file picker, several files at once, sent with a progress
// bar. The server reads each file's type from its content and refuses the whole deposit if one file is refused; the
// checks here only spare a useless upload. Without JavaScript, the form posts as it is. Its messages come from the page
// (`data-messages`, in the page's language).
(function () {
  'use strict';

  document.querySelectorAll('form.client-space__dropform').forEach(function (form) {
    var zone = form.querySelector('[data-dropzone]');
    var input = form.querySelector('input[type="file"]');
    var chosen = form.querySelector('[data-chosen]');
    var progress = form.querySelector('[data-progress]');
    var error = form.querySelector('[data-error]');
    var status = form.querySelector('[data-status]');
    var maxBytes = Number(form.getAttribute('data-max-bytes'));
    var maxFiles = Number(form.getAttribute('data-max-files'));
    var messages = JSON.parse(form.getAttribute('data-messages') || '{}');
    var files = [];

    function showError(text) {
      error.textContent = text;
      error.hidden = !text;
    }

    function list() {
      chosen.textContent = '';
      files.forEach(function (file) {
        var li = document.createElement('li');
        li.textContent = file.name + ' (' + messages.size.replace('{size}', Math.ceil(file.size / 1024)) + ')';
        chosen.appendChild(li);
      });
    }

    function choose(fileList) {
      files = Array.prototype.slice.call(fileList);
      showError('');
      list();
    }

    input.addEventListener('change', function () {
      choose(input.files);
    });
    ['dragenter', 'dragover'].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add('is-over');
      });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.remove('is-over');
      });
    });
    zone.addEventListener('drop', function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) choose(event.dataTransfer.files);
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!files.length) return showError(messages.none);
      if (files.length > maxFiles) return showError(messages.tooMany);
      var tooLarge = files.filter(function (f) {
        return f.size > maxBytes;
      })[0];
      if (tooLarge) return showError(messages.tooLarge.replace('{name}', tooLarge.name));
      var data = new FormData();
      form.querySelectorAll('input[type="hidden"], select').forEach(function (field) {
        data.append(field.name, field.value);
      });
      files.forEach(function (file) {
        data.append('files', file, file.name);
      });
      var request = new XMLHttpRequest();
      request.open('POST', form.action);
      request.setRequestHeader('Accept', 'application/json');
      progress.hidden = false;
      progress.value = 0;
      status.textContent = messages.sending;
      request.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
      });
      request.addEventListener('load', function () {
        var answer = {};
        try {
          answer = JSON.parse(request.responseText);
        } catch (ignored) {
          answer = {};
        }
        if (request.status === 200 && answer.next) {
          progress.value = 100;
          status.textContent = answer.message;
          window.location.assign(answer.next);
        } else {
          progress.hidden = true;
          status.textContent = '';
          showError(answer.message || messages.failed);
        }
      });
      request.addEventListener('error', function () {
        progress.hidden = true;
        status.textContent = '';
        showError(messages.network);
      });
      request.send(data);
    });
  });
})();
