UNWIND $rows AS row
MERGE (u:User {id: row.id})
ON CREATE SET u.created_at = $now
SET u.name = row.name, u.username = row.username, u.followers = row.followers,
    u.following = row.following, u.media_count = row.media_count,
    u.verified = row.verified, u.business = row.business,
    u.business_category = row.business_category, u.private = row.private,
    u.external_url = row.external_url, u.biography = row.biography, u.source = row.source
RETURN count(u) AS users
