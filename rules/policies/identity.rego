# Deny unauthenticated callers where identity is required (by adapter, host and path prefix; "*" matches any).
package sluice

identity_required if {
	some rule in data.config.identity_required
	wildcard_match(rule.adapter, input.adapter)
	wildcard_match(rule.host, input.http.host)
	startswith(input.http.path, rule.path_prefix)
}

wildcard_match("*", _) := true

wildcard_match(pattern, value) if pattern == value

# Checked in this order so authenticated callers (the common case) skip the rule scan.
unauthenticated_denied if {
	not input.identity.authenticated
	identity_required
}

# The body of unauthenticated_denied, not a call of it: a rule call costs a memo lookup and insert in wasm.
deny_reasons contains msg if {
	not input.identity.authenticated
	identity_required
	msg := concat("", ["authentication required for ", input.http.method, " ", input.http.path])
}
