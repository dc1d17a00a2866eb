// SPDX-License-Identifier: Apache-2.0

// The iframe side of the SDK: where the flow lives (host), the URL that
// starts it (spec §1.2–1.3), the element (spec §1.4) and the strict
// postMessage bridge (spec §1.7, tightened).

import { defaultEvents, invalidConfig, isFlowMessage, type FlowError, type FlowMessage } from './events';

declare const __VERSION__: string;

/** The version of this SDK, sent to the flow as `client-version`. */
export const version = 'vouch-' + __VERSION__;

/**
 * scriptOrigin is the origin this file was served from: the default host,
 * since a Vouch server serves its own SDK. It is read once while the script
 * runs (currentScript is null afterwards); import.meta.url covers the ESM
 * build. Reading has no side effect, so importing stays pure.
 */
const scriptOrigin = (() => {
  try {
    const src = (typeof document != 'undefined' && (document.currentScript as HTMLScriptElement | null)?.src) || import.meta.url;
    return src ? new URL(src).origin : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * resolveHost turns the `host` option into an exact origin. It takes a full
 * origin (`https://verify.example.com`) or, like the official SDK's
 * `customHost`, a bare host (`verify.example.com`, `localhost:8080`).
 * Unlike the official SDK it never falls back to another server: a host it
 * cannot use is an `invalid_config` error.
 */
export function resolveHost(host?: string): string {
  if (!host) {
    if (!scriptOrigin || !/^https?:/.test(scriptOrigin)) throw invalidConfig('host is required');
    return scriptOrigin;
  }
  if (/^(production|staging|canary|development)$/.test(host)) throw invalidConfig('host ' + host + ' is not a Vouch server');
  let u: URL;
  try {
    u = new URL(host.includes('://') ? host : (/^localhost\b/.test(host) ? 'http://' : 'https://') + host);
  } catch {
    throw invalidConfig('host is not a URL');
  }
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(u.hostname);
  if (!(u.protocol == 'https:' || (u.protocol == 'http:' && local))) throw invalidConfig('host must use https (http only on loopback)');
  if (u.pathname.length > 1 || u.search || u.username || !/^[\w.-]+$|^\[/.test(u.hostname) || !(local || u.hostname.includes('.')))
    throw invalidConfig('host must be an origin');
  return u.origin;
}

/**
 * kebab re-implements lodash's kebabCase for field keys (spec §1.3): accents
 * are stripped and words split the way lodash splits them, so
 * `addressStreet1` → `address-street-1` and `ABCDef` → `abc-def`.
 */
export const kebab = (s: string): string =>
  (
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f'\u2019]/g, '')
      .match(/[A-Z]?[a-z]+|[A-Z]+(?=[^A-Za-z0-9]|[A-Z][a-z]|$)|[A-Z]+|\d*(?:1ST|2ND|3RD|(?![123])\dTH)(?=\b|[a-z_])|\d*(?:1st|2nd|3rd|(?![123])\dth)(?=\b|[A-Z_])|\d+/g) || []
  )
    .join('-')
    .toLowerCase();

/** enc is qs's RFC 3986 encoder: encodeURIComponent plus `!'()*`. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/**
 * qs appends key=value pairs the way `qs.stringify` does with its
 * defaults: bracket notation with indices, null dropped, empty arrays and
 * objects dropped, dates as ISO strings. With kebabKeys, keys of nested
 * objects are kebab-cased (fields and field mappings).
 */
function qs(out: string[], key: string, v: any, kebabKeys?: boolean): void {
  if (v == null) return;
  if (v instanceof Date) v = v.toISOString();
  if (typeof v == 'object') {
    for (const k of Object.keys(v)) qs(out, key + '[' + (kebabKeys && !Array.isArray(v) ? kebab(k) : k) + ']', v[k], kebabKeys);
  } else out.push(enc(key) + '=' + enc(String(v)));
}

/** Options that shape the iframe URL: the subset of ClientOptions the flow reads. */
export type UrlOptions = Record<string, any>;

/**
 * widgetUrl builds `<host>/widget?…` with the keys and order of the
 * official SDK (spec §1.2), so the server sees the same query from both.
 * Keys that the official SDK drops when empty are dropped here too.
 */
export function widgetUrl(host: string, containerId: string, flowType: string, o: UrlOptions): string {
  const t = o.templateId || undefined;
  const legacy = t && !/^itmpl_/.test(t);
  const pairs: [string, any, boolean?][] = [
    ['client-version', version],
    ['container-id', containerId],
    ['flow-type', flowType],
    ['routing-country', o.routingCountry],
    ['template-id', legacy ? t : undefined],
    ['inquiry-template-id', legacy ? undefined : t],
    ['inquiry-template-version-id', o.templateVersionId || undefined],
    ['environment', o.environment],
    ['environment-id', o.environmentId],
    ['iframe-origin', location.origin],
    ['frame-ancestors', o.frameAncestors],
    ['message-target-origin', o.messageTargetOrigin || undefined],
    ['inquiry-id', o.inquiryId || undefined],
    ['language', o.language],
    ['session-token', o.sessionToken],
    ['share-token', o.shareToken || undefined],
    ['field-mappings', o.fieldMappings, true],
    ['reference-id', o.referenceId],
    ['account-id', o.accountId],
    ['account-type-id', o.accountTypeId],
    ['fields', o.fields, true],
    ['style-variant', o.styleVariant || undefined],
    ['theme-set-id', o.themeSetId],
    ['widget-padding', o.widgetPadding],
    ['navigation-padding', o.navigationPadding],
    ['server-outage-mode', o.serverOutageMode],
  ];
  const out: string[] = [];
  for (const [k, v, kk] of pairs) qs(out, k, v, kk);
  return host + '/widget?' + out.join('&');
}

/** Callbacks and filters of one bridge. */
export interface Listener {
  templateId?: string;
  templateVersionId?: string;
  eventsAllowlist?: 'all' | readonly string[];
  onEvent?: (name: string, metadata?: Record<string, any>) => void;
  on: (m: FlowMessage) => void;
}

/**
 * listen subscribes to the messages of one flow and returns the
 * unsubscribe function. A message is used only when all of these hold,
 * and is otherwise ignored without a word (an attacker learns nothing):
 *   - its origin is exactly the host's origin (not a registrable-domain
 *     match as in the official SDK);
 *   - its source is the window of the flow's iframe (frame() at the time
 *     of the message), so another window of the same origin cannot speak
 *     for it;
 *   - it has the shape of a flow message and carries our containerId
 *     (absence is not accepted);
 *   - it echoes the template (version) this client was built with.
 */
export function listen(host: string, containerId: string, frame: () => Window | null | undefined, l: Listener): () => void {
  const handler = (e: MessageEvent) => {
    const d = e.data;
    if (e.origin !== host || !e.source || e.source !== frame() || !isFlowMessage(d) || d.containerId !== containerId) return;
    if ((l.templateId && d.templateId !== l.templateId) || (l.templateVersionId && d.templateVersionId !== l.templateVersionId)) return;
    const allow = l.eventsAllowlist || defaultEvents;
    if (l.onEvent && (allow == 'all' || allow.includes(d.name))) l.onEvent(d.name, d.name == 'error' ? undefined : d.metadata);
    l.on(d);
  };
  addEventListener('message', handler);
  return () => removeEventListener('message', handler);
}

/** post sends an action to the flow, addressed to the host's exact origin, never '*'. */
export const post = (w: Window | null | undefined, host: string, action: string, metadata: object = {}) =>
  w?.postMessage({ action, metadata }, host);

/** newContainerId returns an unguessable id, unique per widget. */
export const newContainerId = () =>
  'vouch-widget-' + Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b % 36).toString(36)).join('');

/** Sandbox tokens the flow always needs (spec §1.4); the rest is the integrator's choice. */
const required = 'allow-scripts allow-same-origin allow-popups';
const defaultSandbox = ['allow-forms', 'allow-modals', 'allow-top-navigation-by-user-activation'];

/** setupIframe points an iframe at the flow, as the official export of the same name does. */
export function setupIframe(iframe: HTMLIFrameElement, containerId: string, flowType: 'embedded' | 'inline', o: UrlOptions): void {
  iframe.allow = 'camera;microphone;clipboard-write;publickey-credentials-create;publickey-credentials-get';
  iframe.setAttribute('sandbox', required + ' ' + (o.sandboxAttributes || defaultSandbox).join(' '));
  iframe.title = o.iframeTitle || 'Verify your identity';
  iframe.className = 'vouch-widget__iframe';
  iframe.src = widgetUrl(resolveHost(o.host || o.customHost), containerId, flowType, o);
}

/** Error kept for callers that want to type their onError argument. */
export type { FlowError };
