# Destructive command and SQL patterns, matched on text normalised to upper case with single spaces.
# Plain substring builtins (contains, indexof) are used rather than regex: they are cheap in WASM.
package sluice

normalized(text) := concat(" ", [word |
	some word in split(strings.replace_n({"\n": " ", "\t": " ", "\r": " "}, upper(text)), " ")
	word != ""
])

destructive_patterns(text) := {pattern |
	normal := normalized(text)
	some pattern in cfg.destructive.text_patterns
	contains(normal, pattern)
} | {"DELETE without WHERE" | sql_delete_without_where(normalized(text))}

# Checked per statement, so `DELETE FROM a WHERE …; DELETE FROM b` is still caught.
sql_delete_without_where(normal) if {
	cfg.destructive.sql_delete_without_where
	contains(normal, "DELETE FROM")
	some statement in split(normal, ";")
	contains(statement, "DELETE FROM")
	not contains(statement, " WHERE")
}
