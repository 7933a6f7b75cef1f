"""The ``predictLikes`` input, and its image: base64 text decoded here, bounded in size."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum

import strawberry

from engine.errors import ValidationError

IMAGE_FIELD = "input.image"


@strawberry.enum(description="How a post is published.")
class MediaType(enum.Enum):
    IMAGE = "image"
    SIDECAR = "sidecar"
    VIDEO = "video"


@strawberry.input(description="A post about to be published, to predict its likes.")
class PredictLikesInput:
    user_id: strawberry.ID = strawberry.field(
        description="The author. A user token may predict only for its own user.")
    media_type: MediaType = MediaType.IMAGE
    caption: str | None = strawberry.field(default=None,
                                           description="At most 10,000 characters; its "
                                                       "#hashtags and @mentions count.")
    tags: list[str] | None = strawberry.field(
        default=None, description="Hashtags, with or without '#' (at most 64).")
    posted_at: dt.datetime | None = strawberry.field(
        default=None, description="When it will be posted (default: now); between "
                                  "2000-01-01 and a year from now.")
    location: str | None = strawberry.field(default=None,
                                            description="A place name, if the post has one.")
    image: str | None = strawberry.field(
        default=None, description="The image (JPEG, PNG, …) base64-encoded, optionally as a "
                                  "data: URL; at most GRAPHFEED_API_MAX_IMAGE_BYTES decoded "
                                  "(2 MB by default), and the whole request must fit the body "
                                  "limit (base64 is 4/3 of the image's size).")


def decode_image(text: str, limit: int) -> bytes:
    """The bytes of a base64 image (plain or a ``data:…;base64,`` URL), at most ``limit``."""
    payload = text.strip()
    if payload.startswith("data:"):
        header, comma, payload = payload.partition(",")
        if not comma or not header.endswith(";base64"):
            raise ValidationError("image: a data URL must be base64 (data:image/jpeg;base64,…)",
                                  field=IMAGE_FIELD)
    payload = "".join(payload.split())  # MIME base64 breaks lines
    if len(payload) // 4 * 3 > limit + 2:  # before decoding it
        raise ValidationError(f"image: larger than the limit of {limit} bytes",
                              field=IMAGE_FIELD, limit=limit)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValidationError("image: not valid base64", field=IMAGE_FIELD) from e
    if len(data) > limit:
        raise ValidationError(f"image: larger than the limit of {limit} bytes",
                              field=IMAGE_FIELD, limit=limit)
    if not data:
        raise ValidationError("image: empty", field=IMAGE_FIELD)
    return data
