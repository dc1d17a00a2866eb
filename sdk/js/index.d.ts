// SPDX-License-Identifier: Apache-2.0

// Public types of the Vouch browser SDK, written by hand: they are the
// contract, and the sources must follow them, not the other way round.
// They mirror the official persona SDK's ClientOptions so that code typed
// against it compiles against Vouch.

/** The error object of `onError` (spec §1.9). */
export interface FlowError {
  status: number;
  code: 'application_error' | 'invalid_config' | 'unauthenticated' | 'inactive_template' | 'unknown' | (string & {});
  message?: string;
}

/** A field value as the flow reports it on completion. */
export interface FieldValue {
  type: string;
  value: unknown;
}

/** Argument of `onComplete`. */
export interface CompletePayload {
  inquiryId: string;
  status: string;
  fields: Record<string, FieldValue>;
}

/** Argument of `onCancel`: both undefined when no inquiry exists yet. */
export interface CancelPayload {
  inquiryId?: string;
  sessionToken?: string;
}

/** Sizes the flow asks for in its `ready` event. */
export interface PreferredDimensions {
  minimumWidth?: number;
  maximumWidth?: number;
  minimumHeight?: number;
  maximumHeight?: number;
}

/** A prefilled field value: scalars, dates, lists and nested objects. */
export type FieldInput = string | number | boolean | Date | null | undefined | FieldInput[] | { [key: string]: FieldInput };

/** The callbacks of a flow. */
export interface Callbacks {
  /** The flow has booted; not yet interactive. */
  onLoad?: () => void;
  /** The flow is ready for the person. */
  onReady?: () => void;
  /** The person finished (passed or failed): the overlay has closed. */
  onComplete?: (payload: CompletePayload) => void;
  /** The person left before finishing: the overlay has closed. */
  onCancel?: (payload: CancelPayload) => void;
  /** The flow cannot go on, or the options are invalid (`invalid_config`). */
  onError?: (error: FlowError) => void;
  /** Every event of eventsAllowlist, with its metadata. */
  onEvent?: (name: string, metadata?: Record<string, any>) => void;
}

/** What starts a flow: a template (or pinned version), or an existing inquiry. */
export type FlowTarget =
  | { templateId: string; templateVersionId?: string; inquiryId?: never; sessionToken?: never }
  | { templateVersionId: string; templateId?: string; inquiryId?: never; sessionToken?: never }
  | { inquiryId: string; sessionToken?: string; templateId?: never; templateVersionId?: never };

/** Who the inquiry belongs to: accountId excludes referenceId and accountTypeId. */
export type AccountOptions =
  | { accountId: string; referenceId?: never; accountTypeId?: never }
  | { accountId?: never; referenceId?: string; accountTypeId?: string };

/** Options shared by Client, setupIframe and setupEvents. */
export interface CommonOptions {
  /**
   * The Vouch server: an origin ("https://verify.example.com") or a host as
   * in persona's customHost ("verify.example.com", "localhost:8080").
   * Defaults to the origin this script was served from.
   */
  host?: string;
  /** Accepted for code written for the official SDK; same as host. */
  customHost?: string;
  environment?: 'sandbox' | 'production' | (string & {});
  environmentId?: string;
  fields?: Record<string, FieldInput>;
  language?: string;
  styleVariant?: string;
  themeSetId?: string;
  routingCountry?: string;
  shareToken?: string;
  fieldMappings?: { sourceFieldName: string; destinationFieldName: string }[];
  frameAncestors?: string[];
  messageTargetOrigin?: string;
  iframeTitle?: string;
  sandboxAttributes?: string[];
  widgetPadding?: { top?: number; bottom?: number; left?: number; right?: number };
  navigationPadding?: { top?: number; bottom?: number; left?: number; right?: number };
  serverOutageMode?: 'always' | 'never' | 'defer';
  /** Events passed to onEvent: the default list, 'all', or your own list. */
  eventsAllowlist?: 'all' | readonly string[];
}

/** Options of `new Client(...)`. */
export type ClientOptions = FlowTarget &
  AccountOptions &
  CommonOptions &
  Callbacks & {
    /** Where the overlay is mounted (default document.body). */
    parent?: HTMLElement;
    /** CSS max-width of the iframe on large screens (numbers are px). */
    frameWidth?: number | string;
    /** CSS max-height of the iframe on large screens (numbers are px). */
    frameHeight?: number | string;
  };

/** The modal flow. The iframe loads at once; open() shows it. */
export declare class Client {
  constructor(options: ClientOptions);
  /** Shows the flow; may be called before it has loaded. */
  open(): void;
  /** Asks the flow to exit: at once with force, else after confirmation. */
  cancel(force?: boolean): void;
  /** Removes the flow and every listener. */
  destroy(): void;
  readonly isOpen: boolean;
  readonly isLoading: boolean;
  /** The origin of the Vouch server. */
  readonly baseUrl: string;
  /** Loads the flow's assets into the browser cache ahead of time. */
  static preload(host?: string): Promise<void>;
}

/** Points a page's own iframe at the flow (for custom or inline layouts). */
export declare function setupIframe(
  iframe: HTMLIFrameElement,
  containerId: string,
  flowType: 'embedded' | 'inline',
  options: FlowTarget & AccountOptions & CommonOptions,
): void;

/**
 * Wires callbacks to a flow started with setupIframe. Messages count only
 * from the iframe whose URL carries containerId (or options.iframe).
 * Returns the function that unsubscribes.
 */
export declare function setupEvents(
  containerId: string,
  options: CommonOptions &
    Omit<Callbacks, 'onReady'> & {
      templateId?: string;
      templateVersionId?: string;
      iframe?: HTMLIFrameElement;
      onReady?: (metadata: { preferredDimensions?: PreferredDimensions; styles?: { borderRadius?: number } }) => void;
    },
): () => void;

/** The events onEvent receives by default (the official SDK's list). */
export declare const defaultEvents: readonly string[];

/** This SDK's version, as sent to the flow in client-version. */
export declare const version: string;

declare const Vouch: {
  Client: typeof Client;
  setupEvents: typeof setupEvents;
  setupIframe: typeof setupIframe;
  version: string;
};
export default Vouch;
