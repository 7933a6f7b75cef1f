// The communities of run version $version (invisible to readers until the run's flip).
UNWIND $rows AS row
CREATE (c:Community {version: $version, id: row.id, size: row.size, accounts: row.accounts,
                     account_names: row.names, account_followers: row.followers,
                     tags: [], tag_weights: []})
RETURN count(c) AS communities
