# The built-in Sluice decision policy. Entrypoint: sluice/decision.
# Every threshold and list lives in data.config (data.json): teams change data, not Rego.
# The other files of package sluice add to the partial sets deny_reasons and approval_reasons.
package sluice

# Rules read data.config directly: a `cfg := data.config` alias costs a memoized rule call per use in WASM.

# data.config.decision is the decision when no rule denies or holds; its mask, patch and record also
# apply to holds and denies. Returning it by reference (not as a literal) keeps evaluation cheap in WASM.
decision := data.config.decision if {
	count(deny_reasons) == 0
	count(approval_reasons) == 0
} else := object.union(data.config.decision, {
	"reasons": sort(approval_reasons),
	"approval": approval,
}) if {
	count(deny_reasons) == 0
} else := object.union(data.config.decision, {
	"allow": false,
	"reasons": sort(deny_reasons),
	"approval": null,
	"record": true,
	"status": deny_status,
})

# One approval covers every approval reason; denies take precedence over approvals.
approval := {
	"reason": concat("; ", sort(approval_reasons)),
	"approvers": data.config.approval.approvers,
	"timeout_s": data.config.approval.timeout_s,
	"kind": data.config.approval.kind,
}

deny_status := 401 if {
	unauthenticated_denied
} else := 403
