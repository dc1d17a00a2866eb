// SPDX-License-Identifier: Apache-2.0
// Camera capture for the government ID and selfie steps: the live camera
// through getUserMedia, with the file inputs of the page as the fallback
// (they are always there, so the step works without a camera or script
// permissions). It reports the capture events of spec §1.8 through
// window.VouchFlow.
(function () {
  'use strict';
  var shots = {};   // side → JPEG Blob taken with the camera
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
  }

  function form(step) { return step.querySelector('form[data-capture]'); }

  function isDocument(f) { return f.getAttribute('data-capture') === 'document'; }

  function idClass(f) {
    var s = f.querySelector('select[name="id_class"]');
    return s ? s.value : undefined;
  }

  function side(f, name) { return f.querySelector('fieldset[data-side="' + name + '"]'); }

  // syncBack shows the back side only for id classes that have one.
  function syncBack(f) {
    var s = f.querySelector('select[name="id_class"]');
    if (!s) { return; }
    var opt = s.options[s.selectedIndex];
    var hasBack = opt && opt.getAttribute('data-has-back') === 'true';
    f.querySelectorAll('fieldset[data-back-only]').forEach(function (fs) { fs.hidden = !hasBack; });
  }

  function countryNames(f, lang) {
    if (!window.Intl || !Intl.DisplayNames) { return; }
    var names = new Intl.DisplayNames([lang], { type: 'region' });
    f.querySelectorAll('select[data-countries] option').forEach(function (o) {
      try { o.textContent = names.of(o.value); } catch (e) { /* keep the code */ }
    });
  }

  function files(sideName, method, doc) {
    var file = { captureMethod: method };
    file[doc ? 'side' : 'pose'] = sideName;
    return [file];
  }

  function cameraFailed(f, api, err) {
    stop();
    api.post('load-camera-failed', { reason: (err && err.name) || 'NotFoundError' });
    f.querySelector('.camera-failed').hidden = false;
    f.querySelector('[data-recheck]').hidden = false;
    f.querySelectorAll('[data-camera]').forEach(function (b) { b.hidden = true; });
    var first = f.querySelector('input[type="file"]');
    if (first) { first.focus(); }
  }

  function openCamera(f, api, name) {
    var doc = isDocument(f);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraFailed(f, api, { name: 'NotSupportedError' });
      return;
    }
    stop();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: doc ? 'environment' : 'user' }, audio: false })
      .then(function (s) {
        stream = s;
        var fs = side(f, name);
        var box = fs.querySelector('.camera');
        var video = box.querySelector('video');
        video.srcObject = s;
        box.hidden = false;
        return video.play().then(function () {
          if (doc) {
            api.post('document-camera-select', { stepData: { idClass: idClass(f) } });
          } else {
            api.post('selfie-camera-select', {});
          }
          box.querySelector('[data-shoot]').focus();
        });
      })
      .catch(function (err) { cameraFailed(f, api, err); });
  }

  function shoot(f, api, name) {
    var fs = side(f, name);
    var video = fs.querySelector('video');
    var canvas = document.createElement('canvas');
    canvas.width = video.videoWidth || 640;
    canvas.height = video.videoHeight || 480;
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob(function (blob) {
      shots[name] = blob;
      stop();
      fs.querySelector('.camera').hidden = true;
      fs.querySelector('[data-captured]').hidden = false;
      fs.querySelector('input[name="method_' + name + '"]').value = 'camera';
      if (isDocument(f)) {
        api.post('document-camera-capture', { stepData: { idClass: idClass(f), files: files(name, 'manual', true) } });
      } else {
        api.post('selfie-camera-capture', { stepData: { files: files(name, 'manual', false) } });
      }
      api.announce(fs.querySelector('[data-captured]').textContent);
    }, 'image/jpeg', 0.9);
  }

  function recheck(api) {
    var answer = function (granted) {
      api.post('camera-permissions-check-result',
        { hasCameraPermission: granted, hasMicrophonePermission: false, requestedMicrophone: false });
    };
    if (navigator.permissions && navigator.permissions.query) {
      navigator.permissions.query({ name: 'camera' })
        .then(function (p) { answer(p.state === 'granted'); })
        .catch(function () { answer(false); });
    } else {
      answer(false);
    }
  }

  window.VouchCapture = {
    init: function (step, api) {
      var f = form(step);
      stop();
      shots = {};
      if (!f || f.getAttribute('data-bound')) { return; }
      f.setAttribute('data-bound', '1');
      syncBack(f);
      countryNames(f, api.cfg.language);
      f.addEventListener('change', function (e) {
        var t = e.target;
        if (t.name === 'id_class') { syncBack(f); }
        if (t.type === 'file' && t.files && t.files.length) {
          delete shots[t.name];
          f.querySelector('input[name="method_' + t.name + '"]').value = 'upload';
          if (isDocument(f)) {
            api.post('document-upload', { stepData: { idClass: idClass(f), files: files(t.name, 'upload', true) } });
          } else {
            api.post('selfie-record-upload', { stepData: { files: files(t.name, 'upload', false) } });
          }
        }
      });
      f.addEventListener('click', function (e) {
        var b = e.target && e.target.closest ? e.target.closest('button') : null;
        if (!b) { return; }
        if (b.hasAttribute('data-camera')) { openCamera(f, api, b.getAttribute('data-camera')); }
        if (b.hasAttribute('data-shoot')) { shoot(f, api, b.getAttribute('data-shoot')); }
        if (b.hasAttribute('data-recheck')) { recheck(api); }
      });
    },
    // beforeSubmit puts the camera shots in the form data and announces
    // the country of a legacy ID, confirmed by submitting it.
    beforeSubmit: function (f, data, api) {
      if (!f.hasAttribute('data-capture')) { return; }
      stop();
      Object.keys(shots).forEach(function (name) { data.set(name, shots[name], name + '.jpg'); });
      if (isDocument(f) && api.cfg.legacy) {
        api.post('country-select', { countryCode: f.querySelector('select[name="country"]').value });
      }
    }
  };
})();
