# Destructive command and SQL patterns, matched on text normalised to upper case with single spaces.
# Plain substring builtins (contains, indexof) are used rather than regex: they are cheap in WASM.
package sluice

# Text that is already normal (no tab, CR, LF, double or edge space) is only upper-cased: the common case.
normalized(text) := upper(text) if {
	not contains(text, "\n")
	not contains(text, "\t")
	not contains(text, "\r")
	not contains(text, "  ")
	not startswith(text, " ")
	not endswith(text, " ")
} else := concat(" ", [word |
	some word in split(strings.replace_n({"\n": " ", "\t": " ", "\r": " "}, upper(text)), " ")
	word != ""
])

destructive_patterns(text) := normal_patterns(normalized(text))

normal_patterns(normal) := {pattern |
	some pattern in data.config.destructive.text_patterns
	contains(normal, pattern)
} | {"DELETE without WHERE" | sql_delete_without_where(normal)}

# Checked per statement, so `DELETE FROM a WHERE …; DELETE FROM b` is still caught.
sql_delete_without_where(normal) if {
	data.config.destructive.sql_delete_without_where
	contains(normal, "DELETE FROM")
	some statement in split(normal, ";")
	contains(statement, "DELETE FROM")
	not contains(statement, " WHERE")
}
