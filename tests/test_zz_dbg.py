import pytest
from tests.test_embed_demo import config, _open, ARTICLE  # noqa: F401
from tests.embed_host import allow_host

@pytest.mark.browser
def test_dbg(app, live_server, page, post):
    allow_host(app, live_server.url)
    parent = post(uri=ARTICLE, text="A long first comment " * 12, author="Ann", environ={"REMOTE_ADDR": "10.3.0.1"}).json["id"]
    for depth in range(7):
        parent = post(uri=ARTICLE, text=f"Reply at depth {depth + 1} " + "x" * 60, author=f"Replier {depth}", parent_id=parent, environ={"REMOTE_ADDR": f"10.3.1.{depth + 1}"}).json["id"]
    page.set_viewport_size({"width": 320, "height": 3000})
    handle, frame = _open(page, live_server)
    page.wait_for_timeout(300)
    handle.screenshot(path="/tmp/embed-dbg/frame320.png")
