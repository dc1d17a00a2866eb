// SPDX-License-Identifier: Apache-2.0

// The demo page's flow launcher: it opens the flow with the Vouch SDK and
// writes every callback and event, with its payload, into a live log.
(() => {
  const $ = (id) => document.getElementById(id);
  const env = $('flow-env');
  const tmpl = $('flow-template');
  const log = $('log');
  const note = $('flow-note');
  let client;
  let started = 0;

  // add appends one line to the log: elapsed time, name, payload. Its
  // data-name ("onLoad", "event:ready") lets tests read the sequence.
  const add = (kind, name, payload) => {
    const li = document.createElement('li');
    li.className = kind;
    li.dataset.name = (kind === 'event' ? 'event:' : '') + name;
    li.textContent = `+${Math.round(performance.now() - started)} ms  ${kind === 'event' ? 'onEvent ' : ''}${name}`;
    if (payload !== undefined) {
      const pre = document.createElement('pre');
      pre.textContent = JSON.stringify(payload, null, 2);
      li.append(pre);
    }
    log.append(li);
    log.scrollTop = log.scrollHeight;
  };

  // Environments list their templates from /demo/templates; production
  // lists only templates that allow this page's origin.
  const sandboxOptions = tmpl.innerHTML;
  env.addEventListener('change', async () => {
    note.hidden = true;
    if (env.value === 'sandbox') {
      tmpl.innerHTML = sandboxOptions;
      return;
    }
    tmpl.replaceChildren();
    const res = await fetch('/demo/templates?environment=' + encodeURIComponent(env.value));
    const list = res.ok ? await res.json() : [];
    for (const t of list) tmpl.append(new Option(`${t.name} (${t.id})`, t.id));
    if (!list.length) {
      note.textContent = 'No production template allows this page\u2019s origin in its allowed-origins.';
      note.hidden = false;
    }
  });

  $('flow-clear').addEventListener('click', () => log.replaceChildren());
  $('flow-cancel').addEventListener('click', () => client && client.cancel(false));
  $('flow-open').addEventListener('click', () => {
    if (!tmpl.value) return;
    if (client) client.destroy();
    started = performance.now();
    add('call', `new Vouch.Client({templateId: '${tmpl.value}', environment: '${env.value}'})`);
    const cb = (name) => (payload) => {
      add(name === 'onError' ? 'callback error' : 'callback', name, payload);
      if (name === 'onComplete' || name === 'onCancel') $('flow-cancel').disabled = true;
    };
    client = new Vouch.Client({
      templateId: tmpl.value,
      environment: env.value,
      referenceId: 'demo-user',
      eventsAllowlist: 'all',
      onLoad: cb('onLoad'),
      onReady: cb('onReady'),
      onComplete: cb('onComplete'),
      onCancel: cb('onCancel'),
      onError: cb('onError'),
      onEvent: (name, metadata) => add('event', name, metadata),
    });
    window.demoClient = client;
    client.open();
    $('flow-cancel').disabled = false;
  });
})();
