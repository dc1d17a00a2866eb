// SPDX-License-Identifier: Apache-2.0

package vouch

// The sandbox outcome contract. In the sandbox environment the hosted flow
// shows a sandbox bar where the tester chooses whether the verification
// being captured passes or fails (spec §6.6: no real verification happens
// in the sandbox). The flow puts that choice in the capture data it hands
// to SubmitVerification under SandboxOutcomeKey, and the sandbox engine
// (engine/sandbox) decides accordingly. These strings are a contract
// between the flow and the engine: never rename them.
//
// The key is read only in the sandbox: Service.DecideVerification runs the
// sandbox engine for sandbox verifications only, so a production
// verification carrying the key is decided by its real engine, or fails
// when there is none, exactly as without it.
const (
	// SandboxOutcomeKey is the capture data key of the tester's choice.
	SandboxOutcomeKey = "sandbox-outcome"
	// SandboxPass asks the sandbox engine to pass the verification.
	SandboxPass = "pass"
	// SandboxFail asks the sandbox engine to fail the verification, with a
	// failed required check.
	SandboxFail = "fail"
)

// SandboxOutcome returns the outcome asked for in a verification's capture
// data: SandboxFail only when the data says so, SandboxPass otherwise (a
// missing key or any other value). Passing by default is what Persona's
// sandbox does, so an integration that never touches the sandbox bar sees
// its inquiries go through.
func SandboxOutcome(data map[string]any) string {
	if s, ok := data[SandboxOutcomeKey].(string); ok && s == SandboxFail {
		return SandboxFail
	}
	return SandboxPass
}
