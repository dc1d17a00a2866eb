// SPDX-License-Identifier: Apache-2.0

package sandbox

import "github.com/vouch-id/vouch"

// check builds one check; metadata is never nil, as in Persona's payloads.
func check(name string, status vouch.CheckStatus, requirement string, reasons ...string) vouch.Check {
	if reasons == nil {
		reasons = []string{}
	}
	return vouch.Check{Name: name, Status: status, Reasons: reasons, Requirement: requirement,
		Metadata: map[string]any{}}
}

// Names of the checks a failed sandbox verification fails, with the
// reasons of spec §6.4 and §6.5, so testers can recognise a forced
// failure.
const (
	FailedGovernmentIDCheck  = "id_entity_detection"
	FailedGovernmentIDReason = "cannot_verify_id"
	FailedSelfieCheck        = "selfie_glare_detection"
	FailedSelfieReason       = "too_much_glare"
)

// governmentIDChecks is the check list of a government ID (spec §6.4):
// the checks a document passes, those that do not apply to a sandbox
// inquiry (no account, no selfie, AAMVA disabled), and, when failing, a
// failed required entity check.
func governmentIDChecks(pass bool) []vouch.Check {
	const req, opt = vouch.RequirementRequired, vouch.RequirementNotRequired
	passed, na := vouch.CheckPassed, vouch.CheckNotApplicable
	entity := check(FailedGovernmentIDCheck, passed, req)
	if !pass {
		entity = check(FailedGovernmentIDCheck, vouch.CheckFailed, req, FailedGovernmentIDReason)
	}
	disallowedType := check("id_disallowed_type_detection", passed, req)
	disallowedType.Metadata = map[string]any{
		"country-code": "US", "detected-id-designations": []string{}, "disallowed-id-designations": []string{},
	}
	return []vouch.Check{
		check("id_aamva_database_lookup", na, opt, "disabled"),
		check("id_account_comparison", na, opt, "no_account"),
		check("id_age_inconsistency_detection", passed, req),
		check("id_barcode_detection", passed, opt),
		check("id_barcode_inconsistency_detection", passed, req),
		check("id_blur_detection", passed, req),
		check("id_color_inconsistency_detection", passed, req),
		check("id_compromised_detection", passed, req),
		check("id_disallowed_country_detection", passed, req),
		disallowedType,
		check("id_double_side_detection", passed, req),
		check("id_electronic_replica_detection", passed, req),
		entity,
		check("id_expired_detection", passed, req),
		check("id_extracted_properties_detection", passed, req),
		check("id_fabrication_detection", passed, req),
		check("id_glare_detection", passed, req),
		check("id_handwriting_detection", passed, req),
		check("id_inconsistent_repeat_detection", passed, req),
		check("id_mrz_detection", na, opt),
		check("id_mrz_inconsistency_detection", na, opt),
		check("id_po_box_detection", passed, req),
		check("id_portrait_clarity_detection", passed, req),
		check("id_portrait_detection", passed, req),
		check("id_public_figure_detection", passed, opt),
		check("id_repeat_detection", passed, opt),
		check("id_selfie_comparison", na, opt, "no_selfie"),
		check("id_tamper_detection", passed, req),
		check("id_valid_dates_detection", passed, req),
	}
}

// selfieChecks is the check list of a selfie (spec §6.5); a failing one
// fails the required glare check.
func selfieChecks(pass bool) []vouch.Check {
	const req, opt = vouch.RequirementRequired, vouch.RequirementNotRequired
	passed, na := vouch.CheckPassed, vouch.CheckNotApplicable
	glare := check(FailedSelfieCheck, passed, req)
	if !pass {
		glare = check(FailedSelfieCheck, vouch.CheckFailed, req, FailedSelfieReason)
	}
	return []vouch.Check{
		check("selfie_account_comparison", na, opt, "no_account_selfie_present"),
		check("selfie_age_comparison", na, opt, "no_reference_birthdate"),
		check("selfie_face_covering_detection", passed, req),
		check("selfie_glasses_detection", passed, opt),
		glare,
		check("selfie_id_comparison", passed, req), // the sample face matches the sample ID
		check("selfie_liveness_detection", passed, req),
		check("selfie_multiple_faces_detection", passed, req),
		check("selfie_pose_detection", passed, req),
		check("selfie_pose_repeat_detection", passed, req),
		check("selfie_public_figure_detection", passed, opt),
		check("selfie_suspicious_entity_detection", passed, req),
	}
}
