; TOML highlighting for pixi manifests.
(comment) @comment
(string) @string
(integer) @number
(float) @number
(boolean) @constant
[(offset_date_time) (local_date_time) (local_date) (local_time)] @string.special
(bare_key) @property
(quoted_key) @property
(table (bare_key) @type)
(table (dotted_key (bare_key) @type))
(table_array_element (bare_key) @type)
(table_array_element (dotted_key (bare_key) @type))
["=" "," "."] @punctuation.delimiter
["[" "]" "[[" "]]" "{" "}"] @punctuation.bracket
