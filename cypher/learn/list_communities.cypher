// The communities of the active run, largest first.
MATCH (r:ModelRun {kind: 'communities'})
WHERE r.active = true
MATCH (c:Community)
WHERE c.version = r.version
RETURN c.id AS id, c.size AS size, c.tags AS tags, c.account_names AS account_names,
       c.accounts AS accounts
ORDER BY c.size DESC, c.id
LIMIT $limit
