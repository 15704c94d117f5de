# The built-in Sluice decision policy. Entrypoint: sluice/decision.
# Every threshold and list lives in data.config (data.json): teams change data, not Rego.
# The other files of package sluice add to the partial sets deny_reasons and approval_reasons.
package sluice

cfg := data.config

# The decision document validated by the engine (see engine/policy/schema.ts).
decision := {
	"allow": true,
	"reasons": sort(approval_reasons),
	"mask": cfg.mask,
	"patch": [],
	"approval": approval,
	"record": cfg.record,
} if {
	count(deny_reasons) == 0
} else := {
	"allow": false,
	"reasons": sort(deny_reasons),
	"mask": cfg.mask,
	"patch": [],
	"approval": null,
	"record": true,
	"status": deny_status,
}

# One approval covers every approval reason; denies take precedence over approvals.
approval := null if {
	count(approval_reasons) == 0
} else := {
	"reason": concat("; ", sort(approval_reasons)),
	"approvers": cfg.approval.approvers,
	"timeout_s": cfg.approval.timeout_s,
	"kind": cfg.approval.kind,
}

deny_status := 401 if {
	unauthenticated_denied
} else := 403
