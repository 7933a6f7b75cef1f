// One community of the active communities run, with its summary and nearest communities.
// (OPTIONAL MATCH, not a pattern comprehension: FalkorDB caches a comprehension's plan
// compiled before any NEAR existed with the relationship's properties as null.)
MATCH (r:ModelRun {kind: 'communities'})
WHERE r.active = true
MATCH (c:Community {id: $community})
WHERE c.version = r.version
OPTIONAL MATCH (c)-[n:NEAR]->(o:Community)
RETURN r.version AS version, c.id AS id, c.size AS size, c.tags AS tags,
       c.tag_weights AS tag_weights, c.accounts AS accounts, c.account_names AS account_names,
       c.account_followers AS account_followers,
       collect([o.id, n.weight, o.tags]) AS neighbours
