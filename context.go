// SPDX-License-Identifier: Apache-2.0

package vouch

import "context"

// Context is context.Context, named here so that interfaces in this package
// read naturally.
type Context = context.Context
