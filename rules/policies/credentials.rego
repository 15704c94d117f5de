# Never send a private key or a cloud credential to an external model provider.
# The provider is recognised by the name the extractor reports or by the target host.
package sluice

external_provider if input.llm.provider in data.config.external_providers.providers

external_provider if input.http.host in data.config.external_providers.hosts

# The detector is checked before the provider: most findings (PII) are not credentials, so the
# common request never evaluates external_provider.
deny_reasons contains msg if {
	input.phase == "request"
	some finding in input.findings
	finding.detector in data.config.never_send_detectors
	external_provider
	msg := concat("", [finding.detector, " must not be sent to an external model provider (", input.http.host, ")"])
}
