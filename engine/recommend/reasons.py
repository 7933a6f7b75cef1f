"""Reasons in words, each built from the graph paths behind a feature.

"liked by ana, bo and 3 others you follow" comes from the FOLLOWS→ENGAGED paths
that made social proof; "you often engage with #snow" from the user's decayed
ENGAGED→TAGGED interests; "popular in the last 24 h" from the engagements
inside the trending window. Reasons follow the features' contributions, largest
first, so the first reason is the main one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.recommend.candidates import UserContext
from engine.recommend.scoring import Scored, SocialProof

MAX_REASONS = 3
MIN_CONTRIBUTION = 0.02  # below this a feature did not really matter


def people(names: Sequence[str], total: int) -> str:
    """'ana', 'ana and bo', 'ana, bo and 3 others', or '4 people' without names."""
    shown = [n for n in names if n][:2]
    if not shown:
        return f"{total} {'person' if total == 1 else 'people'}"
    rest = total - len(shown)
    if rest <= 0:
        return " and ".join(shown)
    if rest == 1 and len(shown) == 1:
        return f"{shown[0]} and 1 other"
    return f"{', '.join(shown)} and {rest} other{'s' if rest > 1 else ''}"


def hashtags(tags: Sequence[str]) -> str:
    marked = [f"#{t}" for t in tags]
    return marked[0] if len(marked) == 1 else ", ".join(marked[:-1]) + " and " + marked[-1]


def window_words(hours: float) -> str:
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:g} days"


def social_reason(social: SocialProof) -> str:
    who = people(social.names, social.followees)
    if social.likers == social.followees:
        return f"liked by {who} you follow"
    return f"{who} you follow engaged with this"


def tag_reason(tags: Sequence[str], ctx: UserContext) -> str | None:
    matched = sorted((t for t in tags if ctx.tags.get(t, 0.0) > 0),
                     key=lambda t: (-ctx.tags[t], t))
    return f"you often engage with {hashtags(matched[:2])}" if matched else None


def feed_reasons(item: Scored, ctx: UserContext, names: Mapping[str, str],
                 trending_hours: float) -> tuple[str, ...]:
    """Up to three reasons for a feed item, strongest contribution first."""
    texts: list[tuple[float, str]] = []
    contrib = item.contributions
    values = item.values
    author = names.get(item.author_id) or item.author_id

    def add(feature: str, text: str | None) -> None:
        if text and contrib.get(feature, 0.0) >= MIN_CONTRIBUTION:
            texts.append((contrib[feature], text))

    social: SocialProof = item.evidence.get("social", SocialProof())
    if social.followees:
        add("social_proof", social_reason(social))
    add("tag_interest", tag_reason(item.tags, ctx))
    if values.get("author_affinity", 0.0) > 0:
        add("author_affinity", f"you often engage with posts by {author}")
    if values.get("followee_post", 0.0) > 0:
        add("followee_post", f"from {author}, who you follow")
    via = int(item.evidence.get("collaborative_via", 0))
    if via:
        add("collaborative", f"{people((), via)} who engaged with posts you engaged with "
                             "also engaged with this")
    recent = int(item.evidence.get("recent", 0))
    if recent:
        add("trending", f"popular in the last {window_words(trending_hours)}")
    engagers = int(item.evidence.get("engagers", 0))
    if engagers:
        add("popularity", f"popular: {engagers:,} {'person' if engagers == 1 else 'people'} "
                          "engaged with it")
    plugins: Mapping[str, str] = item.evidence.get("plugin_reasons", {})
    for feature, text in plugins.items():  # what plugged-in sources' explain() said
        add(feature, text)
    texts.sort(key=lambda t: -t[0])
    reasons = [t for _, t in texts[:MAX_REASONS]]
    if not reasons:
        if ctx.cold:
            reasons = ["popular right now"]
        elif values.get("freshness", 0.0) > 0.5:
            reasons = ["new"]
    return tuple(reasons)
