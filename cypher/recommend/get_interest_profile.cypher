// The maintained interest profile (INTERESTED_IN, written at ingestion): the caller decays it.
MATCH (u:User {id: $user_id})-[i:INTERESTED_IN]->(t:Tag)
RETURN t.name AS tag, i.weight AS weight, i.updated_at AS updated_at
ORDER BY weight DESC, tag
