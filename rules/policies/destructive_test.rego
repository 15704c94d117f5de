package sluice_test

import data.sluice

test_sql_drop_and_truncate if {
	sluice.destructive_patterns("drop table users;") == {"DROP TABLE"}
	sluice.destructive_patterns("TRUNCATE orders") == {"TRUNCATE "}
	sluice.destructive_patterns("Drop\n  Database prod") == {"DROP DATABASE"}
}

test_delete_without_where if {
	sluice.destructive_patterns("DELETE FROM users") == {"DELETE without WHERE"}
	sluice.destructive_patterns("delete from users where id = 7") == set()
}

test_delete_without_where_in_a_later_statement if {
	sluice.destructive_patterns("DELETE FROM a WHERE id = 1; delete from b") == {"DELETE without WHERE"}
	sluice.destructive_patterns("DELETE FROM a WHERE id = 1; DELETE FROM b WHERE x = 2;") == set()
}

test_delete_without_where_can_be_switched_off if {
	result := sluice.destructive_patterns("DELETE FROM users") with data.config.destructive.sql_delete_without_where as false
	result == set()
}

test_shell_and_kubectl if {
	sluice.destructive_patterns("rm -rf /") == {"RM -RF"}
	sluice.destructive_patterns("rm -fr ~") == {"RM -FR"}
	sluice.destructive_patterns("kubectl delete deployment api") == {"KUBECTL DELETE"}
	sluice.destructive_patterns("kubectl get pods") == set()
}

test_patterns_come_from_data if {
	result := sluice.destructive_patterns("git push --force") with data.config.destructive.text_patterns as ["PUSH --FORCE"]
	result == {"PUSH --FORCE"}
}

test_normalized_fast_path_only_upper_cases if {
	sluice.normalized("drop table users") == "DROP TABLE USERS"
	sluice.normalized("") == ""
}

test_normalized_collapses_whitespace_and_trims if {
	sluice.normalized(" drop\t\ttable\r\nusers ") == "DROP TABLE USERS"
	sluice.normalized("drop  table") == "DROP TABLE"
	sluice.normalized("truncate ") == "TRUNCATE"
	sluice.normalized("\nrm -rf /") == "RM -RF /"
}

test_trailing_space_pattern_needs_a_following_word if {
	sluice.destructive_patterns("truncate ") == set()
	sluice.destructive_patterns("truncate\torders") == {"TRUNCATE "}
}

test_delete_without_where_after_normalising if {
	sluice.destructive_patterns("delete\n  from users") == {"DELETE without WHERE"}
	sluice.destructive_patterns("delete from users\twhere id = 1") == set()
}

# The general normalisation (split on whitespace, drop empty words, join): the fast path must agree with it.
general_normalized(text) := concat(" ", [word |
	some word in split(strings.replace_n({"\n": " ", "\t": " ", "\r": " "}, upper(text)), " ")
	word != ""
])

test_normalized_agrees_with_the_general_form if {
	every text in [
		"", " ", "  ", "\t", "a", "drop table x", " drop table", "drop table ", "drop  table", "drop\ttable",
		"a\r\nb", "ünïcode text", "x\u00a0y", "rm -rf /; echo", "DELETE FROM t WHERE a", " \n \t ",
	] {
		sluice.normalized(text) == general_normalized(text)
	}
}
