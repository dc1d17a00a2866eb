// SPDX-License-Identifier: Apache-2.0

// Vouch's browser SDK: the public API of the official `persona` SDK
// (Client, setupEvents, setupIframe, preload), so that migrating is a
// change of import and host, with a stricter message bridge (see
// frame.ts). Importing this module does nothing; under server-side
// rendering (no window) a Client is inert.

import { invalidConfig, type CancelPayload, type CompletePayload, type FlowError, type FlowMessage } from './events';
import { listen, newContainerId, post, resolveHost, setupIframe, version, type UrlOptions } from './frame';

export { defaultEvents } from './events';
export { setupIframe, version } from './frame';

type Callbacks = {
  onLoad?: () => void;
  onReady?: (m?: any) => void;
  onComplete?: (p: CompletePayload) => void;
  onCancel?: (p: CancelPayload) => void;
  onError?: (e: FlowError) => void;
  onEvent?: (name: string, metadata?: Record<string, any>) => void;
};

/**
 * route runs the callbacks of one message after the bridge accepted it
 * (spec §1.7 step 5). before lets the Client update its overlay first.
 */
function route(d: FlowMessage, c: Callbacks, before: (name: string) => void, readyArg?: boolean) {
  const m = d.metadata || {};
  before(d.name);
  switch (d.name) {
    case 'load':
      return c.onLoad?.();
    case 'ready':
      return readyArg ? c.onReady?.({ preferredDimensions: m.preferredDimensions, styles: m.styles }) : c.onReady?.();
    case 'complete':
    case 'fail':
      return c.onComplete?.({ inquiryId: m.inquiryId, status: m.status, fields: m.fields ?? m.scopes });
    case 'exit':
      return c.onCancel?.({ inquiryId: m.inquiryId, sessionToken: m.sessionToken });
    case 'error':
      return c.onError?.(d.error!);
  }
}

/**
 * setupEvents wires callbacks to a flow in an iframe the page made itself
 * (with setupIframe). Messages are accepted only from the iframe whose URL
 * carries this containerId, or from options.iframe when given. It returns
 * the function that unsubscribes.
 */
export function setupEvents(containerId: string, o: UrlOptions & Callbacks & { iframe?: HTMLIFrameElement }): () => void {
  if (typeof window == 'undefined') return () => {};
  const host = resolveHost(o.host || o.customHost);
  const frame = () =>
    (
      o.iframe ||
      Array.from(document.querySelectorAll('iframe')).find((f) => {
        try {
          const u = new URL(f.src);
          return u.origin == host && u.searchParams.get('container-id') == containerId;
        } catch {
          return false;
        }
      })
    )?.contentWindow;
  return listen(host, containerId, frame, { ...o, on: (d) => route(d, o, () => {}, true) });
}

const px = (v: any) => (typeof v == 'number' ? v + 'px' : v || '');

/**
 * Client is the modal flow: a hidden overlay holding the iframe, created
 * at once so the flow loads while the page decides when to open it.
 */
export class Client {
  private o_: UrlOptions & Callbacks;
  private host_ = '';
  private id_ = '';
  private el_?: HTMLDivElement;
  private frame_?: HTMLIFrameElement;
  private spin_?: HTMLElement;
  private off_?: () => void;
  private open_ = false;
  private loading_ = true;
  private pending_ = false;
  private dims_: any = {};
  private overflow_ = '';
  private resize_ = () => this.layout_();

  constructor(o: UrlOptions & Callbacks) {
    this.o_ = o = o || {};
    if (typeof window == 'undefined') return;
    try {
      if (!(o.templateId || o.templateVersionId) == !o.inquiryId) throw invalidConfig('provide templateId or templateVersionId, or inquiryId');
      if (o.accountId && (o.referenceId || o.accountTypeId)) throw invalidConfig('accountId cannot be used with referenceId or accountTypeId');
      this.host_ = resolveHost(o.host || o.customHost);
    } catch (e: any) {
      // The official SDK throws here; Vouch reports through onError when
      // there is one (on a microtask, so the caller holds the client).
      if (!o.onError || !e.code) throw e.code ? Object.assign(new Error(e.message), e) : e;
      queueMicrotask(() => o.onError!(e));
      return;
    }
    const d = document;
    const el = (this.el_ = d.createElement('div'));
    el.id = this.id_ = newContainerId();
    // Styles are set through the CSSOM, which a host page's CSP allows
    // even without 'unsafe-inline' styles.
    el.style.cssText = 'position:fixed;inset:0;z-index:9999;display:none;align-items:center;justify-content:center;background:rgba(0,0,0,.5)';
    const spin = (this.spin_ = d.createElement('div'));
    spin.style.cssText = 'position:absolute;width:32px;height:32px;border:3px solid #fff;border-top-color:transparent;border-radius:50%';
    spin.animate?.([{ transform: 'rotate(0)' }, { transform: 'rotate(1turn)' }], { duration: 800, iterations: Infinity });
    const f = (this.frame_ = d.createElement('iframe'));
    f.style.cssText = 'position:relative;border:0;width:100%;height:100%';
    f.setAttribute('role', 'dialog');
    f.setAttribute('aria-modal', 'true');
    this.off_ = listen(this.host_, this.id_, () => f.contentWindow, { ...o, on: (m) => route(m, o, (n) => this.on_(n, m)) });
    setupIframe(f, this.id_, 'embedded', { ...o, host: this.host_ });
    el.append(spin, f);
    (o.parent || d.body).append(el);
    addEventListener('resize', this.resize_);
    this.layout_();
  }

  /** Whether the overlay is shown. */
  get isOpen() {
    return this.open_;
  }

  /** Whether the flow has not yet said `load`. */
  get isLoading() {
    return this.loading_;
  }

  /** The origin of the Vouch server the flow is served from. */
  get baseUrl() {
    return this.host_;
  }

  /** open shows the flow; it may be called before the flow has loaded. */
  open() {
    if (!this.el_) return;
    if (!this.open_) {
      this.open_ = true;
      this.overflow_ = document.body.style.overflow;
      document.body.style.overflow = 'hidden';
      this.el_.style.display = 'flex';
    }
    this.pending_ = this.loading_;
    this.post_('open');
  }

  /** cancel asks the flow to exit: with force, at once; else it asks the person. */
  cancel(force?: boolean) {
    this.post_('exit', { force: !!force });
  }

  /** destroy tells the flow, then removes the overlay and every listener. */
  destroy() {
    this.post_('destroy');
    this.close_();
    this.off_?.();
    removeEventListener('resize', this.resize_);
    this.el_?.remove();
    this.el_ = this.frame_ = undefined;
  }

  /** preload warms the browser cache with the flow's assets before any Client exists. */
  static preload(host?: string): Promise<void> {
    if (typeof window == 'undefined') return Promise.resolve();
    return new Promise((resolve) => {
      const f = document.createElement('iframe');
      f.hidden = true;
      f.onload = () => {
        f.remove();
        resolve();
      };
      f.src = resolveHost(host) + '/preload';
      document.body.append(f);
    });
  }

  private post_(action: string, metadata?: object) {
    post(this.frame_?.contentWindow, this.host_, action, metadata);
  }

  private close_() {
    if (!this.open_) return;
    this.open_ = false;
    document.body.style.overflow = this.overflow_;
    if (this.el_) this.el_.style.display = 'none';
  }

  /** on_ updates the overlay for an accepted message, before the callbacks run. */
  private on_(name: string, m: FlowMessage) {
    if (name == 'load') {
      this.loading_ = false;
      this.spin_?.remove();
      if (this.pending_ && this.open_) this.post_('open');
      this.pending_ = false;
    } else if (name == 'ready') {
      const md = m.metadata || {};
      this.dims_ = { ...md.preferredDimensions, r: md.styles?.borderRadius };
      this.layout_();
    } else if (name == 'complete' || name == 'fail' || name == 'exit') this.close_();
  }

  /** layout_ sizes the iframe: a 400×650 dialog on large screens, full screen on small ones. */
  private layout_() {
    const f = this.frame_;
    if (!f) return;
    const big = innerWidth > 600 && innerHeight > 600;
    const o = this.o_;
    const s = this.dims_;
    Object.assign(f.style, {
      maxWidth: big ? px(o.frameWidth || s.maximumWidth || 400) : '',
      maxHeight: big ? px(o.frameHeight || s.maximumHeight || 650) : '',
      minWidth: big ? px(s.minimumWidth) : '',
      minHeight: big ? px(s.minimumHeight) : '',
      borderRadius: big ? px(s.r ?? 4) : '0',
    });
  }
}

export default { Client, setupEvents, setupIframe, version };
