/** @module policy/reference-rules — test helper: the built-in rule files as first written, before they were tuned for speed. */

/**
 * Built-in rule files (name → Rego) in their plain first form. rules-differential.test.ts builds the built-in
 * policy with these in place of the tuned files and checks both decide alike. A rule whose meaning changes
 * on purpose changes here too.
 *
 * @example
 * writeFixture({ ...currentPolicyFiles, ...REFERENCE_RULES });
 */
export const REFERENCE_RULES: Record<string, string> = {
  'approval.rego': `# Hold for a human approval: prompts above a size threshold, destructive tool calls and HTTP operations.
package sluice

approval_reasons contains msg if {
	input.phase == "request"
	input.llm != null
	input.body.bytes > data.config.large_prompt_bytes
	msg := concat("", [
		"prompt of ", format_int(input.body.bytes, 10),
		" bytes exceeds ", format_int(data.config.large_prompt_bytes, 10), " bytes",
	])
}

# Tool calls are held when the model asks for them (response / tool_call phase). In a request they are
# conversation history that already ran, so holding them again would re-ask for every later turn.
approval_reasons contains msg if {
	input.phase != "request"
	some call in input.llm.tool_calls
	walk(call.input, [_, value])
	is_string(value)
	some pattern in destructive_patterns(value)
	msg := concat("", ["tool call ", call.name, " matches destructive pattern '", pattern, "'"])
}

approval_reasons contains msg if {
	input.phase == "request"
	input.http.method in data.config.destructive.http_methods
	some prefix in data.config.destructive.http_path_prefixes
	startswith(input.http.path, prefix)
	msg := concat("", ["destructive HTTP operation ", input.http.method, " ", input.http.path])
}
`,
  'identity.rego': `# Deny unauthenticated callers where identity is required (by adapter, host and path prefix; "*" matches any).
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

deny_reasons contains msg if {
	unauthenticated_denied
	msg := concat("", ["authentication required for ", input.http.method, " ", input.http.path])
}
`,
};
