// Training writes Tag vectors into slot b (not the active run's: readers do not see
// them until the flip). Vectors travel as fixed-point text (component * 10000, joined by
// spaces): parsed by the server, far cheaper than a list parameter of floats.
UNWIND $rows AS row
MATCH (t:Tag {name: row.id})
SET t.embedding_b = CASE WHEN row.e IS NULL THEN null
                         ELSE vecf32([x IN split(row.e, ' ') | toFloat(x) / 10000.0]) END
RETURN count(t) AS written
