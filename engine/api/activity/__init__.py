"""Raw events in: activities, follows, engagements, impressions (the Ingestor's mutations)."""
