"""WordPress HTML → Markdown, in-process: paragraph rules, captions, embeds, shortcodes."""

from __future__ import annotations

from filmrev.html_markdown import comment_markdown, html_to_markdown, wpautop


def test_wpautop_paragraphs_line_breaks_and_blocks() -> None:
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n\n<p>Three</p>"
    assert wpautop("<h2>Head</h2>\nText") == "<h2>Head</h2>\n\n<p>Text</p>"
    assert "<pre>a\n\nb</pre>" in wpautop("x\n\n<pre>a\n\nb</pre>\n\ny")


def test_old_caption_attribute_and_linked_thumbnail() -> None:
    converted = html_to_markdown(
        '[caption id="attachment_7" caption="A &amp; B"]<a href="https://b.example/full.jpg">'
        '<img src="https://b.example/x-150x150.jpg" alt="alt" /></a>[/caption]',
        {7: "https://b.example/x.jpg"},
    )
    assert converted.markdown == "![A & B](https://b.example/x.jpg)\n"
    assert [(i.src, i.caption, i.attachment_id) for i in converted.images] == [
        ("https://b.example/x.jpg", "A & B", 7)
    ]


def test_embeds_of_every_kind_become_link_lines() -> None:
    converted = html_to_markdown(
        "Intro.\n\n[vimeo 12345]\n\n[embed]https://youtu.be/abc[/embed]\n\n"
        "  https://www.youtube.com/watch?v=x_y  \n\nhttps://example.org/not-a-video"
    )
    assert converted.embeds == [
        "https://vimeo.com/12345",
        "https://youtu.be/abc",
        "https://www.youtube.com/watch?v=x_y",
    ]
    assert converted.markdown == (
        "Intro.\n\n<https://vimeo.com/12345>\n\n<https://youtu.be/abc>\n\n"
        "<https://www.youtube.com/watch?v=x_y>\n\nhttps://example.org/not-a-video\n"
    )


def test_shortcodes_listed_only_when_they_look_like_shortcodes() -> None:
    converted = html_to_markdown('[sic] and [audio src="a.mp3"] and [note]x[/note] [gallery]')
    assert converted.shortcodes == ["audio", "note", "gallery"]
    assert '[audio src="a.mp3"]' in converted.markdown and "[sic]" in converted.markdown


def test_block_comments_go_but_their_meaning_stays() -> None:
    converted = html_to_markdown(
        "<!-- wp:paragraph -->\n<p>A</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:core-embed/youtube {"url":"https://youtu.be/old"} -->\n<figure></figure>\n'
        "<!-- /wp:core-embed/youtube -->"
    )
    assert converted.blocks and converted.markdown == "A\n\n<https://youtu.be/old>\n"


def test_comment_text_stays_as_typed_unless_it_is_html() -> None:
    assert comment_markdown("Line one\r\n\r\nLine *two* & more") == "Line one\n\nLine *two* & more"
    assert comment_markdown("I <3 it") == "I <3 it"
    assert comment_markdown("A <a href='https://x.example'>link</a>") == (
        "A [link](https://x.example)"
    )
