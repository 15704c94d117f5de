# Hold for a human approval: prompts above a size threshold, destructive tool calls and HTTP operations.
package sluice

# Each rule tests first what most requests fail (the size, the method): fewer lookups before the rule is out.
approval_reasons contains msg if {
	input.body.bytes > data.config.large_prompt_bytes
	input.phase == "request"
	input.llm != null
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
	input.http.method in data.config.destructive.http_methods
	input.phase == "request"
	some prefix in data.config.destructive.http_path_prefixes
	startswith(input.http.path, prefix)
	msg := concat("", ["destructive HTTP operation ", input.http.method, " ", input.http.path])
}
