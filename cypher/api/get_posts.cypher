UNWIND $ids AS id
MATCH (p:Post {id: id})
RETURN p.id AS id, p.author_id AS author_id, p.verb AS verb, p.caption AS caption,
       p.image_url AS image_url, p.extra AS extra, p.created_at AS created_at,
       p.removed_at AS removed_at,
       size([(p)<-[engaged:ENGAGED]-(fan) | engaged]) AS engagements,
       size([(p)<-[liked:ENGAGED]-(liker) WHERE liked.label = 'like' | liked]) AS likes
