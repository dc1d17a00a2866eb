// SPDX-License-Identifier: Apache-2.0

// Entry of the <script> bundle: the one global, Vouch, for pages without a
// module system. Assigning it here, instead of esbuild's globalName, spares
// the bundle the ES-module interop helpers.

import Vouch, { defaultEvents } from './index';

(globalThis as any).Vouch = { ...Vouch, defaultEvents, default: Vouch };
