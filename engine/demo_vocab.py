"""Words of the synthetic world: tags, labels, names and captions."""

from __future__ import annotations

import numpy as np

# Interest tags of an Instagram-like app; each community favours a few of them.
TAGS: tuple[str, ...] = (
    "surfing", "snow", "skiing", "snowboarding", "dogs", "cats", "food", "vegan", "coffee",
    "baking", "travel", "hiking", "climbing", "camping", "cycling", "running", "yoga",
    "fitness", "fashion", "makeup", "art", "illustration", "photography", "music", "guitar",
    "gaming", "anime", "books", "cars", "motorbikes", "football", "basketball", "tennis",
    "gardening", "plants", "architecture", "diy", "wine", "beer", "sunset", "beach",
    "mountains", "citylife", "streetart", "tattoos", "skateboarding", "fishing", "birds",
    "horses", "space", "tech", "science",
)

# Engagement labels, weakest first, and the score each usually carries.
LABELS: tuple[str, ...] = ("view", "click", "like", "comment", "share")
LABEL_SCORES: dict[str, float] = {"view": 5, "click": 15, "like": 50, "comment": 70, "share": 90}
FEEDS: tuple[str, ...] = ("home", "explore")
# The same names as engine.evaluate.datasets.MEDIA_TYPES (Instagram image/sidecar/video).
MEDIA_TYPES: tuple[str, ...] = ("image", "sidecar", "video")

_SYLLABLES = (
    "ka", "lo", "mi", "ra", "ne", "so", "ta", "vi", "lu", "ma", "ri", "el", "an", "da", "jo",
    "ki", "na", "be", "zo", "li", "mar", "tin", "sol", "ren", "ya", "fe", "no", "sa", "to",
    "ha", "ru", "mo", "di", "la", "gi", "te", "bo", "ni", "ve", "xa",
)
_OPENERS = (
    "Another day of", "Weekend vibes:", "Can't get enough of", "New post!", "Throwback to",
    "Sunday mood:", "Just me and", "Loving", "Best day ever", "Trying something new:",
    "Morning", "Golden hour", "Back at it", "Little things:", "Guess what?",
)


def _words(rng: np.random.Generator, n: int) -> list[str]:
    lengths = rng.integers(2, 4, size=n)
    parts = rng.integers(0, len(_SYLLABLES), size=(n, 3))
    return ["".join(_SYLLABLES[s] for s in row[:k]).capitalize()
            for row, k in zip(parts.tolist(), lengths.tolist(), strict=True)]


def names(rng: np.random.Generator, n: int) -> list[str]:
    """Pronounceable 'First Last' names built from syllables (not unique)."""
    return [f"{a} {b}" for a, b in zip(_words(rng, n), _words(rng, n), strict=True)]


def caption(template: int, tags: list[str]) -> str:
    """A caption from a template number and the post's tags, e.g. 'Loving #surfing #beach'."""
    opener = _OPENERS[template % len(_OPENERS)]
    return f"{opener} " + " ".join(f"#{t}" for t in tags)
