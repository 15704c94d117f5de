package sluice_test

import data.sluice

clean_request := {
	"phase": "request",
	"adapter": "undici",
	"identity": {"authenticated": true, "sub": "svc-ci", "groups": ["ci"], "claims": {}, "method": "oidc"},
	"http": {"method": "POST", "host": "api.anthropic.com", "path": "/v1/messages", "status": null, "headers": {}},
	"llm": {"provider": "anthropic", "model": "claude-sonnet-4-5", "stream": false, "tools": [], "tool_calls": []},
	"findings": [{"detector": "email", "category": "pii", "path": "/messages/0/content", "count": 1}],
	"body": {"bytes": 2048, "truncated": false},
}

test_clean_request_is_allowed_and_masks_everything if {
	d := sluice.decision with input as clean_request
	d.allow == true
	d.reasons == []
	d.mask == {"detectors": ["*"], "paths": []}
	d.patch == []
	d.approval == null
	d.record == true
	not d.status
}

test_mask_comes_from_data_and_applies_to_denies_too if {
	mask := {"detectors": ["email"], "paths": ["/metadata/user_id"]}
	d := sluice.decision with input as clean_request with data.config.decision.mask as mask
	d.mask == mask
	denied := json.patch(clean_request, [{"op": "replace", "path": "/findings/0/detector", "value": "private-key"}])
	e := sluice.decision with input as denied with data.config.decision.mask as mask
	e.allow == false
	e.mask == mask
}

test_approval_keeps_the_default_fields if {
	d := sluice.decision with input as json.patch(clean_request, [{"op": "replace", "path": "/body/bytes", "value": 999999}])
	d.allow == true
	d.mask == {"detectors": ["*"], "paths": []}
	d.patch == []
	d.record == true
	not d.status
}

test_deny_drops_approval_and_sets_status if {
	req := json.patch(clean_request, [
		{"op": "replace", "path": "/findings/0/detector", "value": "private-key"},
		{"op": "add", "path": "/llm/tool_calls/-", "value": {"id": "t1", "name": "sql", "input": {"q": "DROP TABLE x"}}},
	])
	d := sluice.decision with input as req
	d.allow == false
	d.approval == null
	d.status == 403
	count(d.reasons) == 1
}

test_approval_uses_data_group_and_timeout if {
	req := json.patch(clean_request, [{"op": "replace", "path": "/body/bytes", "value": 999999}])
	d := sluice.decision with input as req
		with data.config.approval as {"approvers": ["ai-leads"], "timeout_s": 60, "kind": "grant"}
	d.allow == true
	d.approval.approvers == ["ai-leads"]
	d.approval.timeout_s == 60
	d.approval.kind == "grant"
	d.reasons == [d.approval.reason]
}
