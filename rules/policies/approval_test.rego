package sluice_test

import data.sluice

tool_call(phase, text) := json.patch(clean_request, [
	{"op": "replace", "path": "/phase", "value": phase},
	{"op": "add", "path": "/llm/tool_calls/-", "value": {"id": "toolu_1", "name": "run", "input": {"args": {"command": text}}}},
])

test_large_prompt_needs_approval if {
	d := sluice.decision with input as json.patch(clean_request, [{"op": "replace", "path": "/body/bytes", "value": 262145}])
	d.allow == true
	d.approval.reason == "prompt of 262145 bytes exceeds 262144 bytes"
	d.approval.approvers == ["sluice-approvers"]
	d.approval.timeout_s == 300
}

test_prompt_at_threshold_needs_no_approval if {
	d := sluice.decision with input as json.patch(clean_request, [{"op": "replace", "path": "/body/bytes", "value": 262144}])
	d.approval == null
}

test_threshold_comes_from_data if {
	d := sluice.decision with input as clean_request with data.config.large_prompt_bytes as 100
	d.approval != null
}

test_destructive_tool_call_in_response_needs_approval if {
	d := sluice.decision with input as tool_call("response", "sudo rm  -rf /var/lib/db")
	d.allow == true
	d.approval.reason == "tool call run matches destructive pattern 'RM -RF'"
}

test_tool_call_phase_is_checked_too if {
	d := sluice.decision with input as tool_call("tool_call", "kubectl\tdelete ns prod")
	d.approval.reason == "tool call run matches destructive pattern 'KUBECTL DELETE'"
}

test_harmless_tool_call_needs_no_approval if {
	d := sluice.decision with input as tool_call("response", "SELECT * FROM users WHERE id = 1")
	d.approval == null
}

test_destructive_http_delete_needs_approval if {
	req := json.patch(api_call(true), [{"op": "replace", "path": "/http/method", "value": "DELETE"}])
	d := sluice.decision with input as req
	d.approval.reason == "destructive HTTP operation DELETE /api/orders"
}

test_http_delete_outside_prefixes_needs_no_approval if {
	req := json.patch(api_call(true), [
		{"op": "replace", "path": "/http/method", "value": "DELETE"},
		{"op": "replace", "path": "/http/path", "value": "/sessions/1"},
	])
	d := sluice.decision with input as req
	d.approval == null
}

test_tool_call_in_request_history_is_not_held_again if {
	d := sluice.decision with input as tool_call("request", "DROP TABLE users")
	d.allow == true
	d.approval == null
}
