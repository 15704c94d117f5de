package sluice_test

import data.sluice

api_call(authenticated) := {
	"phase": "request",
	"adapter": "express",
	"identity": {"authenticated": authenticated, "sub": null, "groups": [], "claims": {}, "method": "none"},
	"http": {"method": "GET", "host": "internal.example", "path": "/api/orders", "status": null, "headers": {}},
	"llm": null,
	"findings": [],
	"body": {"bytes": 0, "truncated": false},
}

test_unauthenticated_api_caller_is_denied_with_401 if {
	d := sluice.decision with input as api_call(false)
	d.allow == false
	d.status == 401
	d.reasons == ["authentication required for GET /api/orders"]
}

test_authenticated_api_caller_is_allowed if {
	d := sluice.decision with input as api_call(true)
	d.allow == true
}

test_outbound_undici_calls_need_no_identity if {
	d := sluice.decision with input as json.patch(clean_request, [
		{"op": "replace", "path": "/identity/authenticated", "value": false},
	])
	d.allow == true
}

test_path_prefix_and_host_come_from_data if {
	rules := [{"adapter": "*", "host": "internal.example", "path_prefix": "/admin/"}]
	d := sluice.decision with input as api_call(false) with data.config.identity_required as rules
	d.allow == true
	admin := json.patch(api_call(false), [{"op": "replace", "path": "/http/path", "value": "/admin/users"}])
	e := sluice.decision with input as admin with data.config.identity_required as rules
	e.allow == false
}
