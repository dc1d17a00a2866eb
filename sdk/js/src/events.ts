// SPDX-License-Identifier: Apache-2.0

// Event names and payload shapes of the embedded flow (spec §1.7–1.9).
// These strings are a public contract shared with the official SDK: they
// are never renamed, only added to.

/** The error object the flow sends with an `error` event (spec §1.9). */
export interface FlowError {
  status: number;
  code: 'application_error' | 'invalid_config' | 'unauthenticated' | 'inactive_template' | 'unknown' | string;
  message?: string;
}

/** What `onComplete` receives when the person finishes the flow. */
export interface CompletePayload {
  inquiryId: string;
  status: string;
  fields: Record<string, { type: string; value: unknown }>;
}

/** What `onCancel` receives when the person leaves before finishing. */
export interface CancelPayload {
  inquiryId?: string;
  sessionToken?: string;
}

/** One message of the flow, as it arrives from the iframe. */
export interface FlowMessage {
  containerId: string;
  templateId?: string;
  templateVersionId?: string;
  name: string;
  metadata?: Record<string, any>;
  error?: FlowError;
}

/**
 * Events passed to `onEvent` unless `eventsAllowlist` says otherwise: the
 * default list of the official SDK 5.9.0 (spec §1.8), so an integration
 * that migrates sees exactly the events it saw before.
 */
export const defaultEvents: readonly string[] =
  'exit complete error fail load ready start success document-camera-select document-camera-capture document-upload one-time-link-sent one-time-link-start one-time-link-exit selfie-camera-select selfie-camera-capture selfie-record-upload load-camera-failed camera-permissions-check-result page-change inquiry-load country-select verification-change'.split(
    ' ',
  );

/** An error of the `invalid_config` kind, raised before any request. */
export const invalidConfig = (message: string): FlowError => ({ status: 400, code: 'invalid_config', message });

/**
 * isFlowMessage checks the shape of a message before anything of it is
 * used. The checks are structural, not just `typeof data === 'object'`:
 * a page can receive messages from browser extensions and other frames,
 * and a half-formed one must never reach a callback.
 */
export const isFlowMessage = (d: any): d is FlowMessage =>
  isObject(d) &&
  typeof d.containerId == 'string' &&
  typeof d.name == 'string' &&
  d.name != '' &&
  optional(d.templateId, 'string') &&
  optional(d.templateVersionId, 'string') &&
  (d.metadata == null || isObject(d.metadata)) &&
  (d.error == null || (isObject(d.error) && typeof d.error.status == 'number' && typeof d.error.code == 'string'));

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v == 'object' && !Array.isArray(v);

const optional = (v: unknown, type: string) => v == null || typeof v == type;
