"""The model card goes onto the GitHub release beside the weights."""

from __future__ import annotations

import hashlib

from ml_publish.weights.model_card import MODEL_CARD_FILE, write_model_card
from tests.support.releases import ReleaseWorld, git


def test_the_model_card_is_a_release_asset_with_its_digest(release_world: ReleaseWorld) -> None:
    world = release_world
    write_model_card(world.root)
    git(world.root, "add", MODEL_CARD_FILE)
    git(world.root, "commit", "--quiet", "--message", "Add the model card")

    world.release()

    (release,) = world.releases()
    digests = {asset.name: asset.digest for asset in release.assets}
    card = (world.root / MODEL_CARD_FILE).read_bytes()
    assert digests[MODEL_CARD_FILE] == f"sha256:{hashlib.sha256(card).hexdigest()}"
    assert b"### leaf-unet" in card  # the card lists the released weights
