"""The web interface and the REST/websocket API (`/api/v1`), served by aiohttp on the bot's event loop.

Why on the bot's loop: the pages read the live bot (orders, portfolio, evaluations) and its channels push
events to the browser; with no thread of its own there is no lock to take and nothing to copy.
The public names are re-exported by `octobot.api`.
"""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5001
