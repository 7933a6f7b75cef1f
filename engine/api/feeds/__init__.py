"""Recommendations: timeline, feed, follow suggestions, feature analysis, interest profile."""
