// A new training run of $kind, version = the kind's last + 1. It writes into the slot the
// active run of the kind does not use ('a' or 'b'), so readers keep the active one.
OPTIONAL MATCH (r:ModelRun {kind: $kind})
WITH coalesce(max(r.version), 0) + 1 AS version,
     [x IN collect(r) WHERE x.active | x.slot] AS current
CREATE (n:ModelRun {id: $kind + '-' + toString(version), kind: $kind, version: version,
                    params: $params, metrics: '{}', status: 'running', started_at: $now,
                    active: false,
                    slot: CASE WHEN 'a' IN current THEN 'b' ELSE 'a' END})
RETURN n.id AS id, n.version AS version, n.slot AS slot
