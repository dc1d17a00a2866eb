// SPDX-License-Identifier: Apache-2.0
// The flow's only script. It owns the postMessage bridge with the
// embedding page (spec §1.7), step navigation (each step is an HTML
// fragment fetched from the flow's routes and swapped in, so this document
// and its message listener live as long as the iframe) and camera capture.
// The session token lives in page memory only and travels in a header.
(function () {
  'use strict';
  var body = document.body;
  var raw = body && body.getAttribute('data-config');
  if (!raw) { return; } // the preload page: nothing to run
  var cfg = JSON.parse(raw);
  var state = {
    inquiryId: cfg.inquiryId || undefined,
    token: cfg.sessionToken || undefined,
    env: cfg.environment,
    busy: false,
    ended: false,
    poll: 0
  };
  var embedded = !cfg.hosted && window.parent !== window;
  var main = document.getElementById('main');
  var confirmBox = document.getElementById('confirm');
  var live = document.getElementById('status');

  // post sends one event to the embedding page, with the ids it was given
  // echoed (the SDK drops messages whose templateId differs), to the one
  // origin it may go to: never '*'.
  function post(name, metadata, error) {
    if (!embedded || !cfg.targetOrigin) { return; }
    var msg = { containerId: cfg.containerId || undefined, name: name, metadata: metadata };
    if (cfg.templateId) { msg.templateId = cfg.templateId; }
    if (cfg.templateVersionId) { msg.templateVersionId = cfg.templateVersionId; }
    if (error) { msg.error = error; }
    window.parent.postMessage(msg, cfg.targetOrigin);
  }

  function stepEl() { return document.getElementById('step'); }

  function focusStep() {
    var h = document.getElementById('step-title');
    if (h) { h.focus(); }
  }

  function pageChange() {
    var s = stepEl();
    if (!s) { return; }
    var name = s.getAttribute('data-step');
    post('page-change', { name: name, path: '/' + name, metadata: { pageHeight: document.documentElement.scrollHeight } });
  }

  function announce() {
    var h = document.getElementById('step-title');
    if (live && h) { live.textContent = h.textContent; }
  }

  // show swaps in a step and announces it: focus moves to its heading and
  // the live region reads it, so screen readers follow the flow.
  function show(html) {
    var before = stepEl();
    var key = before ? before.getAttribute('data-step') : '';
    main.innerHTML = html;
    var s = stepEl();
    // A page change is a change of step; the processing screen of a step
    // and a step shown again with its problems are not.
    var changed = !s || key !== s.getAttribute('data-step');
    focusStep();
    announce();
    if (changed) { pageChange(); }
    afterShow();
  }

  function afterShow() {
    var s = stepEl();
    clearTimeout(state.poll);
    if (s && s.getAttribute('data-type') === 'processing') {
      state.poll = setTimeout(function () { send('GET', route('state'), null); }, 400);
    }
    if (window.VouchCapture && s) { window.VouchCapture.init(s, api); }
  }

  function route(tail) {
    return '/flow/' + encodeURIComponent(state.env) + '/inquiries/' + encodeURIComponent(state.inquiryId) + '/' + tail;
  }

  function fail(err, html) {
    state.busy = false;
    post('error', undefined, err);
    if (html) { show(html); }
  }

  // verifications announces each status change of a legacy inquiry's
  // verifications as verification-change (Dynamic Flow never sends it).
  var seen = {};
  function verifications(rep) {
    if (!cfg.legacy) { return; }
    if (rep.submitted && !seen[rep.submitted]) {
      seen[rep.submitted] = 'submitted';
      post('verification-change', { id: rep.submitted, status: 'submitted' });
    }
    (rep.verifications || []).forEach(function (v) {
      var known = ['submitted', 'passed', 'failed'].indexOf(v.status) >= 0;
      if (known && seen[v.id] !== v.status) {
        seen[v.id] = v.status;
        post('verification-change', { id: v.id, status: v.status });
      }
    });
  }

  function handle(rep) {
    state.busy = false;
    if (rep.error) { fail(rep.error, rep.html); return; }
    if (rep.sessionToken) { state.token = rep.sessionToken; }
    if (rep.inquiryId && !state.inquiryId) {
      state.inquiryId = rep.inquiryId;
      post('start', { inquiryId: rep.inquiryId });
      post('inquiry-load', { inquiryId: rep.inquiryId, status: rep.status });
    }
    verifications(rep);
    show(rep.html);
  }

  // send calls a flow route. Network failures leave the step as it is (the
  // individual can try again); they are not error events (spec §1.8).
  function send(method, url, payload, contentType) {
    if (state.busy || state.ended) { return; }
    state.busy = true;
    var headers = { 'Accept': 'application/json', 'Vouch-Language': cfg.language };
    if (state.token) { headers['Vouch-Session-Token'] = state.token; }
    if (contentType) { headers['Content-Type'] = contentType; }
    fetch(url, { method: method, headers: headers, body: payload, credentials: 'omit', cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(handle)
      .catch(function () { state.busy = false; });
  }

  var api = {
    post: post, send: send, route: route, state: state, cfg: cfg,
    announce: function (text) { if (live) { live.textContent = text; } }
  };
  window.VouchFlow = api;

  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (!f || !f.hasAttribute('data-flow-step')) { return; }
    e.preventDefault();
    if (f.hasAttribute('data-legacy-start')) {
      send('POST', '/flow/' + encodeURIComponent(state.env) + '/inquiries',
        JSON.stringify({ query: cfg.createQuery || '' }), 'application/json');
      return;
    }
    var data = new FormData(f);
    if (window.VouchCapture) { window.VouchCapture.beforeSubmit(f, data, api); }
    send('POST', route('steps/' + encodeURIComponent(f.getAttribute('data-flow-step'))), data);
  });

  // webviewGo ends a WebView flow on its redirect-uri, which the app
  // intercepts (spec §2.2): persona-inquiry-id always, inquiry-id only on
  // success.
  function webviewGo(base, status) {
    var u = new URL(base || cfg.redirectUri, window.location.href);
    if (state.inquiryId) { u.searchParams.set('persona-inquiry-id', state.inquiryId); }
    if (status === 'failed' || !status) { u.searchParams.delete('inquiry-id'); }
    window.location.assign(u.toString());
  }

  function exit() {
    if (state.ended) { return; }
    state.ended = true;
    confirmBox.hidden = true;
    post('exit', { inquiryId: state.inquiryId, sessionToken: state.inquiryId ? state.token : undefined });
    if (cfg.webview && cfg.redirectUri) { webviewGo(cfg.redirectUri, ''); }
  }

  // The leave dialog is modal: the step behind it is inert (out of the tab
  // order and of the accessibility tree) until the dialog closes.
  function confirmExit() {
    if (state.ended) { return; }
    confirmBox.hidden = false;
    main.inert = true;
    document.getElementById('confirm-title').focus();
  }

  function stay() {
    confirmBox.hidden = true;
    main.inert = false;
    focusStep();
  }

  function done() {
    var s = stepEl();
    if (state.ended || !s) { return; }
    state.ended = true;
    var meta = JSON.parse(s.getAttribute('data-meta') || '{}');
    post(meta.name, meta.metadata);
    var to = document.getElementById('done').getAttribute('data-redirect');
    if (cfg.webview && to) {
      webviewGo(to, meta.metadata && meta.metadata.status);
    } else if (cfg.hosted && to) {
      window.location.assign(to);
    }
  }

  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest ? e.target.closest('button') : null;
    if (!t) { return; }
    if (t.id === 'close') { confirmExit(); }
    if (t.id === 'confirm-stay') { stay(); }
    if (t.id === 'confirm-leave') { exit(); }
    if (t.id === 'done') { done(); }
  });

  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !confirmBox.hidden) { stay(); }
  });

  // Messages from the embedding page: only from our parent and only from
  // the origin it declared.
  window.addEventListener('message', function (e) {
    if (!embedded || e.source !== window.parent) { return; }
    if (e.origin !== cfg.iframeOrigin && e.origin !== cfg.targetOrigin) { return; }
    var d = e.data || {};
    if (d.action === 'exit') {
      if (d.metadata && d.metadata.force) { exit(); } else { confirmExit(); }
    } else if (d.action === 'open') {
      focusStep();
    } else if (d.action === 'destroy') {
      state.ended = true;
      clearTimeout(state.poll);
    }
  });

  if (cfg.hosted && !cfg.webview) { document.getElementById('close').hidden = true; }
  post('load');
  if (cfg.error) {
    post('error', undefined, cfg.error);
    return;
  }
  post('ready', {
    preferredDimensions: { minimumWidth: 360, maximumWidth: 480, minimumHeight: 560, maximumHeight: 720 },
    styles: { borderRadius: '8px' }
  });
  (cfg.verifications || []).forEach(function (v) { seen[v.id] = v.status; });
  if (state.inquiryId) {
    post('start', { inquiryId: state.inquiryId });
    post('inquiry-load', { inquiryId: state.inquiryId, status: cfg.inquiryStatus });
  }
  announce();
  pageChange();
  afterShow();
})();
