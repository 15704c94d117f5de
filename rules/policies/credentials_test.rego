package sluice_test

import data.sluice

with_finding(detector) := json.patch(clean_request, [{"op": "replace", "path": "/findings/0/detector", "value": detector}])

test_private_key_to_anthropic_is_denied if {
	d := sluice.decision with input as with_finding("private-key")
	d.allow == false
	d.reasons == ["private-key must not be sent to an external model provider (api.anthropic.com)"]
}

test_every_cloud_credential_is_denied if {
	every detector in ["aws-access-key-id", "aws-secret-access-key", "gcp-service-account-key", "azure-storage-key"] {
		d := sluice.decision with input as with_finding(detector)
		d.allow == false
	}
}

test_provider_recognised_by_host_alone if {
	req := json.patch(with_finding("aws-access-key-id"), [{"op": "replace", "path": "/llm", "value": null}])
	d := sluice.decision with input as req
	d.allow == false
}

test_credential_to_internal_model_is_masked_not_denied if {
	req := json.patch(with_finding("aws-access-key-id"), [
		{"op": "replace", "path": "/http/host", "value": "llm.internal.example"},
		{"op": "replace", "path": "/llm/provider", "value": "vllm"},
	])
	d := sluice.decision with input as req
	d.allow == true
	d.mask.detectors == ["*"]
}

test_credential_in_response_is_masked_not_denied if {
	req := json.patch(with_finding("private-key"), [{"op": "replace", "path": "/phase", "value": "response"}])
	d := sluice.decision with input as req
	d.allow == true
}

test_deny_list_comes_from_data if {
	d := sluice.decision with input as with_finding("private-key") with data.config.never_send_detectors as ["email"]
	d.allow == true
	e := sluice.decision with input as clean_request with data.config.never_send_detectors as ["email"]
	e.allow == false
}

test_credential_after_other_findings_is_denied if {
	req := json.patch(clean_request, [{"op": "add", "path": "/findings/-", "value": {"detector": "private-key", "category": "secret", "path": "/x", "count": 1}}])
	d := sluice.decision with input as req
	d.allow == false
	d.reasons == ["private-key must not be sent to an external model provider (api.anthropic.com)"]
}

test_pii_only_to_external_provider_is_allowed if {
	d := sluice.decision with input as clean_request
	d.allow == true
}
