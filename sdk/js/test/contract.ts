// SPDX-License-Identifier: Apache-2.0

// Type contract of index.d.ts: what must compile, and (@ts-expect-error)
// what must not. Checked with tsc --noEmit by a Go test when Node is there.

import Vouch, { Client, setupEvents, setupIframe, type CompletePayload, type FlowError } from '../index';

const done = (p: CompletePayload) => p.fields['name_first']?.value;
const failed = (e: FlowError) => e.code === 'invalid_config';

const c = new Client({
  templateId: 'itmpl_abc',
  environment: 'sandbox',
  referenceId: 'user-42',
  fields: { nameFirst: 'Jane', birthdate: new Date(), tags: ['a', 'b'], isVip: true },
  host: 'verify.example.com',
  frameWidth: 400,
  frameHeight: '80vh',
  eventsAllowlist: 'all',
  onComplete: done,
  onError: failed,
  onEvent: (name, metadata) => console.log(name, metadata?.inquiryId),
});
c.open();
c.cancel(true);
c.destroy();
const open: boolean = c.isOpen && c.isLoading;
void open;
void Client.preload('localhost:8080');
new Vouch.Client({ inquiryId: 'inq_abc', sessionToken: 'tok' });
new Vouch.Client({ templateVersionId: 'itmplv_abc', accountId: 'act_abc' });
const off: () => void = setupEvents('c1', { templateId: 'itmpl_abc', onReady: (m) => m.preferredDimensions?.maximumWidth });
off();
setupIframe(document.createElement('iframe'), 'c1', 'inline', { templateId: 'itmpl_abc' });

// @ts-expect-error a flow needs a template or an inquiry
new Client({ environment: 'sandbox' });
// @ts-expect-error template and inquiry exclude each other
new Client({ templateId: 'itmpl_abc', inquiryId: 'inq_abc' });
// @ts-expect-error accountId excludes referenceId
new Client({ templateId: 'itmpl_abc', accountId: 'act_a', referenceId: 'r' });
// @ts-expect-error onLoad takes no argument
new Client({ templateId: 'itmpl_abc', onLoad: (x: string) => x });
// @ts-expect-error isOpen is read-only
c.isOpen = true;
// @ts-expect-error eventsAllowlist is 'all' or a list
new Client({ templateId: 'itmpl_abc', eventsAllowlist: 'some' });
