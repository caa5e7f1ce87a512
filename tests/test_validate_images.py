"""Bank Markdown images come from the app itself, or the validator refuses the bank (issue 14).

A page showing bank text carries a private or share token in its address; an image from
another host would be fetched by every browser showing it (and a browser looser than Chromium
would send it that address). The validator refuses such an image with the usual
`PATH:LINE: message`, wherever the text is (Markdown fields are rendered by Streamlit and the
PDF report); the CSP's `img-src 'self' data: blob:` is the second line of defence
(tests/test_headers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_validate import Author, after

MESSAGE = (
    "image '{src}' would be loaded from outside the app (and would learn the address of every page showing it, "
    "tokens included); use a path on this app or a data:image/png, gif, jpeg or webp URI"
)


@pytest.fixture(name="author")
def author_fixture(tmp_path: Path) -> Author:
    return Author(tmp_path / "bank.yaml")


EXTERNAL = [
    "https://images.example.com/logo.png",
    "http://images.example.com/logo.png",
    "HTTPS://images.example.com/logo.png",
    "//images.example.com/logo.png",
    "/\\images.example.com/logo.png",
    "ftp://images.example.com/logo.png",
    "data:image/svg+xml,%3Csvg%3E",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("src", EXTERNAL)
def test_an_image_from_elsewhere_in_a_description_is_refused(author: Author, src: str) -> None:
    text = after("    title: Strategy\n", f"    description: 'See ![our logo]({src}) here'\n")
    assert author.mistakes(text) == [author.line(12, MESSAGE.format(src=src))]


def test_an_image_from_elsewhere_is_found_in_every_text_and_by_reference(author: Author) -> None:
    text = after(
        "        text: Is there a plan?\n",
        "        help: |\n          Look:\n\n          ![chart][c]\n\n          [c]: https://cdn.example.com/c.png\n",
    )
    text = after(
        "            label: A full plan\n", "            next_step: 'Copy ![x](&#104;ttps://e.example/x.png)'\n", text
    )
    assert author.mistakes(text) == [
        author.line(17, MESSAGE.format(src="https://cdn.example.com/c.png")),
        author.line(28, MESSAGE.format(src="https://e.example/x.png")),
    ]


def test_a_long_address_is_shortened_in_the_message(author: Author) -> None:
    src = "https://images.example.com/" + "a" * 80 + ".png"
    text = after("    title: Strategy\n", f"    description: '![x]({src})'\n")
    assert author.mistakes(text) == [author.line(12, MESSAGE.format(src=src[:57] + "..."))]


@pytest.mark.parametrize(
    "src",
    [
        "images/logo.png",
        "/app/static/logo.png",
        "./logo.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:image/gif,GIF89a",
    ],
)
def test_an_image_the_app_serves_or_an_inline_one_is_accepted(author: Author, src: str) -> None:
    bank = author.accepted(after("    title: Strategy\n", f"    description: 'See ![our logo]({src})'\n"))
    assert bank.dimensions[0].description == f"See ![our logo]({src})"


def test_links_and_text_that_only_look_like_images_are_accepted(author: Author) -> None:
    text = after(
        "    title: Strategy\n",
        "    description: 'Read [the guide](https://example.com/guide) or `![x](https://e/x.png)` or \\![x](https://e/y)'\n",
    )
    author.accepted(text)
