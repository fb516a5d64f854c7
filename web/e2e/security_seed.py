"""Seeds the hardening e2e test (security.e2e.ts) with the real SDK: project ``security``, one run
``hostile`` (id ``hostile1``) that logs an HTML page whose script tries to reach the app (read its
cookie and storage, message the window that shows it) and rewrites the page when it runs.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/security_seed.py`` against a running local server.
"""

from __future__ import annotations

import trackwell as wandb

HOSTILE_HTML = """<p id="marker">html loaded</p>
<script>
  let stolen = "";
  try { stolen = document.cookie + "|" + localStorage.getItem("tw-probe"); } catch (e) { stolen = e.name; }
  document.getElementById("marker").textContent = "script ran: " + stolen;
  parent.postMessage("script ran: " + stolen, "*");
</script>"""


def main() -> None:
    run = wandb.init(project="security", id="hostile1", name="hostile")
    run.log({"hostile": wandb.Html(HOSTILE_HTML)})
    run.finish()


if __name__ == "__main__":
    main()
